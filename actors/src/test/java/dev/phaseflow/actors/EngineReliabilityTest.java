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
}
