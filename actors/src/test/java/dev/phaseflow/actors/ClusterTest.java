package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Three nodes in one JVM on loopback: one frontend, two workers. */
class ClusterTest {
    private final List<PhaseflowEngine> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the frontend (the seed) and two worker nodes. */
    private PhaseflowEngine startCluster() throws IOException {
        int seedPort = freePort();
        List<String> seeds = List.of(ClusterNode.address("127.0.0.1", seedPort));
        EngineConfig config = EngineConfig.defaults().withWorkers(2).withMaxBatch(8);
        PhaseflowEngine frontend = PhaseflowEngine.cluster(EngineTest.exact(), config, SampleRequest.Limits.defaults(),
                EngineObserver.NONE, new ClusterNode("127.0.0.1", seedPort, seeds, Set.of(ClusterNode.FRONTEND)));
        nodes.add(frontend);
        for (int i = 0; i < 2; i++) {
            nodes.add(PhaseflowEngine.cluster(EngineTest.exact(), config, SampleRequest.Limits.defaults(), EngineObserver.NONE,
                    new ClusterNode("127.0.0.1", freePort(), seeds, Set.of(ClusterNode.WORKER))));
        }
        return frontend;
    }

    private static List<List<SampleEvent>> reference(List<SampleRequest> requests) {
        try (var direct = new DirectSamplingService(EngineTest.exact(), 64, SampleRequest.Limits.defaults(), 1)) {
            return EngineTest.runAll(direct, requests, 1);
        }
    }

    @Test
    void clusterImagesEqualSingleNodeImages() throws IOException {
        List<SampleRequest> requests = EngineTest.requests(24);
        List<List<SampleEvent>> expected = reference(requests);
        PhaseflowEngine frontend = startCluster();
        List<List<SampleEvent>> got = EngineTest.runAll(frontend, requests, 12);
        for (int i = 0; i < requests.size(); i++) {
            assertArrayEquals(EngineTest.images(expected.get(i)), EngineTest.images(got.get(i)), "request " + i);
        }
        assertTrue(frontend.stats().byModel().get("g").calls() > 0);
    }

    @Test
    void everyRequestCompletesWhenAWorkerNodeStops() throws Exception {
        List<SampleRequest> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            requests.add(EngineTest.requests(16).get(i).withSteps(60));
        }
        List<List<SampleEvent>> expected = reference(requests);
        PhaseflowEngine frontend = startCluster();
        AtomicInteger steps = new AtomicInteger();
        var pending = Flux.range(0, requests.size())
                .flatMapSequential(i -> frontend.sample(requests.get(i)).doOnNext(e -> {
                    if (e instanceof SampleEvent.Step) {
                        steps.incrementAndGet();
                    }
                }).collectList(), 16)
                .collectList().toFuture();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (steps.get() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(steps.get() >= 100, "the run got going before the node stopped");
        PhaseflowEngine leaving = nodes.remove(2);
        leaving.close();
        List<List<SampleEvent>> got = pending.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(requests.size(), got.size());
        for (int i = 0; i < requests.size(); i++) {
            assertArrayEquals(EngineTest.images(expected.get(i)), EngineTest.images(got.get(i)), "request " + i);
        }
        EngineTest.assertIdleSoon(frontend);
    }
}
