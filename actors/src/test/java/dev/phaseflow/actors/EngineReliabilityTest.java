package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Signal;

/** Issue 11 in the engine: drain limit, request deadlines, a model with no worker, admission by queue wait. */
class EngineReliabilityTest {

    private static SlowDenoiser slow(String name, ModelRole role, long millis) {
        return new SlowDenoiser(EngineTest.DATA.denoiser(name, role), millis);
    }

    /** Subscribes and returns the stream's last signal, once it comes; counts step events. */
    private static CompletableFuture<Signal<SampleEvent>> run(PhaseflowEngine engine, SampleRequest r, AtomicInteger steps) {
        return engine.sample(r).doOnNext(e -> {
            if (e instanceof SampleEvent.Step) {
                steps.incrementAndGet();
            }
        }).materialize().last().toFuture();
    }

    private static void awaitSteps(AtomicInteger steps, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (steps.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(steps.get() >= n, "the runs got going: " + steps.get() + " steps");
    }

    @Test
    void closeEndsWhatOutlivesTheDrainLimitWithAnErrorAndWaitsForRunningCalls() throws Exception {
        SlowDenoiser g = slow("g", ModelRole.GLOBAL, 20);
        SlowDenoiser l = slow("l", ModelRole.LOCAL, 20);
        EngineConfig config = EngineConfig.defaults().withWorkers(1).withInferenceThreads(2)
                .withDrainTimeout(Duration.ofMillis(300));
        PhaseflowEngine engine = PhaseflowEngine.create(EngineTest.models(g, l), config);
        AtomicInteger steps = new AtomicInteger();
        List<CompletableFuture<Signal<SampleEvent>>> ends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ends.add(run(engine, SampleRequest.defaults().withSteps(500).withSeed(i), steps));
        }
        ends.add(run(engine, SampleRequest.defaults().withSteps(3).withSeed(9), steps)); // finishes within the drain
        awaitSteps(steps, 6);
        long start = System.nanoTime();
        engine.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, g.running.get() + l.running.get(), "no model call is left running once close() returns");
        assertTrue(seconds < 0.3 + PhaseflowEngine.ABORT_GRACE.toSeconds(), "close took " + seconds + " s");
        for (int i = 0; i < 3; i++) {
            Signal<SampleEvent> end = ends.get(i).get(5, TimeUnit.SECONDS);
            assertTrue(end.isOnError(), "request " + i + " ended with " + end);
            assertInstanceOf(SamplingException.class, end.getThrowable());
            assertTrue(end.getThrowable().getMessage().contains("drain limit"), end.getThrowable().getMessage());
        }
        assertTrue(ends.get(3).get(5, TimeUnit.SECONDS).isOnComplete(), "a short request finished within the drain");
        assertEquals(0, engine.inFlight());
    }

    /** Counts requests by outcome. */
    static final class Outcomes implements EngineObserver {
        final java.util.Map<Outcome, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void requestFinished(String requestId, Outcome outcome, int images, long nanos) {
            counts.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
        }

        int of(Outcome o) {
            AtomicInteger n = counts.get(o);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void aRequestPastItsTimeoutEndsWithAnErrorAndCountsAsFailed() throws Exception {
        Outcomes outcomes = new Outcomes();
        EngineConfig config = EngineConfig.defaults().withWorkers(1).withInferenceThreads(2)
                .withRequestTimeout(Duration.ofMillis(600));
        try (PhaseflowEngine engine = PhaseflowEngine.create(EngineTest.models(slow("g", ModelRole.GLOBAL, 10),
                slow("l", ModelRole.LOCAL, 10)), config, SampleRequest.Limits.defaults(), outcomes)) {
            AtomicInteger steps = new AtomicInteger();
            // its own timeout
            Signal<SampleEvent> own = engine.sample(SampleRequest.defaults().withSteps(1000), Duration.ofMillis(200))
                    .materialize().last().block(Duration.ofSeconds(30));
            assertTrue(own.isOnError(), String.valueOf(own));
            assertTrue(own.getThrowable().getMessage().contains("timeout of 0.2 s"), own.getThrowable().getMessage());
            // the engine's default, which also caps a longer one of the request's own
            Signal<SampleEvent> capped = engine.sample(SampleRequest.defaults().withSteps(1000), Duration.ofHours(1))
                    .materialize().last().block(Duration.ofSeconds(30));
            assertTrue(capped.isOnError() && capped.getThrowable().getMessage().contains("timeout of 0.6 s"), String.valueOf(capped));
            // a request that finishes in time is untouched
            assertTrue(run(engine, SampleRequest.defaults().withSteps(4), steps).get(30, TimeUnit.SECONDS).isOnComplete());
            EngineTest.assertIdleSoon(engine);
            assertEquals(2, outcomes.of(EngineObserver.Outcome.FAILED));
            assertEquals(1, outcomes.of(EngineObserver.Outcome.COMPLETED));
        }
    }

    @Test
    void withNoWorkerAnywhereRequestsFailNamingTheModelAndReadinessSaysWhy() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> seeds = List.of(ClusterNode.address("127.0.0.1", port));
        Outcomes outcomes = new Outcomes();
        EngineConfig config = EngineConfig.defaults().withWorkers(1).withMaxBatch(8).withNoWorkerTimeout(Duration.ofSeconds(1));
        // a frontend and no worker node: nothing can run the models
        try (PhaseflowEngine frontend = PhaseflowEngine.cluster(EngineTest.exact(), config, SampleRequest.Limits.defaults(),
                outcomes, new ClusterNode("127.0.0.1", port, seeds, java.util.Set.of(ClusterNode.FRONTEND)))) {
            String reason = frontend.notReadyReason();
            assertTrue(reason != null && reason.contains("'g'") && reason.contains("'l'"), String.valueOf(reason));
            long start = System.nanoTime();
            Signal<SampleEvent> end = frontend.sample(SampleRequest.defaults().withSteps(8).withMode(dev.phaseflow.pipeline.routing.Mode.GLOBAL))
                    .materialize().last().block(Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(end.isOnError(), String.valueOf(end));
            assertTrue(end.getThrowable().getMessage().contains("no worker for model 'g'"), end.getThrowable().getMessage());
            assertTrue(seconds < 20, "failed after " + seconds + " s, not at the client's patience");
            assertEquals(1, outcomes.of(EngineObserver.Outcome.FAILED));

            // a worker node joins: ready, and requests complete
            try (PhaseflowEngine worker = PhaseflowEngine.cluster(EngineTest.exact(), config, SampleRequest.Limits.defaults(),
                    EngineObserver.NONE, new ClusterNode("127.0.0.1", 0, seeds, java.util.Set.of(ClusterNode.WORKER)))) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (frontend.notReadyReason() != null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(null, frontend.notReadyReason(), "ready once the worker node's workers are up");
                assertTrue(frontend.sample(SampleRequest.defaults().withSteps(8)).materialize().last()
                        .block(Duration.ofSeconds(60)).isOnComplete());
                assertTrue(worker.notReadyReason() == null, "a worker-only node has no batchers to be unready about");
            }
        }
    }
}
