package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingException;
import dev.phaseflow.pipeline.SamplingService;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The actor engine on analytic denoisers: identical to the reference, batching, faults, cancel, overload. */
class EngineTest {
    static final GaussianData DATA = new GaussianData(1, 6, 6);

    static RouterPlan plan() {
        return new RouterPlan("g", "l", 0.5, 5.0, List.of(new RouterPlan.Interval(0, 0.5, "l"),
                new RouterPlan.Interval(0.5, 5.0, "g"), new RouterPlan.Interval(5.0, Double.POSITIVE_INFINITY, "l")),
                null);
    }

    static ModelSet models(Denoiser global, Denoiser local) {
        return new ModelSet(Map.of("g", global, "l", local), plan(), 0.01, 20, 1, 6, 6);
    }

    static ModelSet exact() {
        return models(DATA.denoiser("g", ModelRole.GLOBAL), DATA.denoiser("l", ModelRole.LOCAL));
    }

    /** A mix of modes, solvers, step counts and image counts. */
    static List<SampleRequest> requests(int n) {
        List<SampleRequest> out = new ArrayList<>();
        String[] solvers = {"euler", "heun", "dpmpp-2m", "euler-ancestral"};
        for (int i = 0; i < n; i++) {
            out.add(SampleRequest.defaults().withSeed(1000 + i).withMode(Mode.values()[i % 4]).withSolver(solvers[(i / 4) % 4])
                    .withSteps(6 + i % 7).withCount(1 + i % 3));
        }
        return out;
    }

    static float[] images(List<SampleEvent> events) {
        List<ImageBatch> out = new ArrayList<>();
        for (SampleEvent e : events) {
            if (e instanceof SampleEvent.Image img) {
                out.add(img.pixels());
            }
        }
        return ImageBatch.concat(out).data();
    }

    /** Waits for the engine's admission slots to be released (it happens just after a stream's last signal). */
    static void assertIdleSoon(PhaseflowEngine engine) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (engine.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, engine.inFlight(), "every admission slot was released");
    }

    /** Runs the requests with at most {@code concurrency} in flight; returns each request's events. */
    static List<List<SampleEvent>> runAll(SamplingService service, List<SampleRequest> requests, int concurrency) {
        return Flux.range(0, requests.size())
                .flatMapSequential(i -> service.sample(requests.get(i)).collectList(), concurrency)
                .collectList().block(Duration.ofMinutes(3));
    }

    @ParameterizedTest(name = "concurrency {0}")
    @ValueSource(ints = {1, 8, 32})
    void imagesAreBitIdenticalToTheReference(int concurrency) {
        List<SampleRequest> requests = requests(40);
        List<List<SampleEvent>> reference;
        try (var direct = new DirectSamplingService(exact(), 64, SampleRequest.Limits.defaults(), 1)) {
            reference = runAll(direct, requests, 1);
        }
        try (var engine = PhaseflowEngine.create(exact(), EngineConfig.defaults().withWorkers(2).withMaxBatch(5))) {
            List<List<SampleEvent>> got = runAll(engine, requests, concurrency);
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(images(reference.get(i)), images(got.get(i)), "request " + i + " " + requests.get(i));
                SampleEvent.Completed a = (SampleEvent.Completed) reference.get(i).get(reference.get(i).size() - 1);
                SampleEvent.Completed b = (SampleEvent.Completed) got.get(i).get(got.get(i).size() - 1);
                assertEquals(a.evaluationsByModel(), b.evaluationsByModel());
                assertEquals(reference.get(i).size(), got.get(i).size(), "same number of events");
            }
            assertIdleSoon(engine);
        }
    }

    @Test
    void concurrentJobsShareModelCalls() {
        try (var engine = PhaseflowEngine.create(exact(), EngineConfig.defaults().withWorkers(1).withMaxWait(Duration.ofMillis(5)))) {
            List<SampleRequest> requests = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                requests.add(SampleRequest.defaults().withSeed(i).withMode(Mode.GLOBAL).withSteps(20));
            }
            runAll(engine, requests, 32);
            var calls = engine.stats().byModel().get("g");
            System.out.printf("32 concurrent 1-image jobs: %d calls of model g, mean batch %.1f images%n", calls.calls(),
                    calls.meanBatchImages());
            assertTrue(calls.meanBatchImages() > 4, "mean batch " + calls.meanBatchImages());
        }
    }

    @Test
    void injectedFaultsAreRetriedAndNoRequestIsLostOrDuplicated() {
        var global = new FaultInjectingDenoiser(DATA.denoiser("g", ModelRole.GLOBAL), 0.05, 1);
        var local = new FaultInjectingDenoiser(DATA.denoiser("l", ModelRole.LOCAL), 0.05, 2);
        List<SampleRequest> requests = requests(200);
        List<List<SampleEvent>> reference;
        try (var direct = new DirectSamplingService(exact(), 64, SampleRequest.Limits.defaults(), 1)) {
            reference = runAll(direct, requests, 4);
        }
        EngineConfig config = EngineConfig.defaults().withWorkers(3).withMaxBatch(8).withMaxRetries(8);
        try (var engine = PhaseflowEngine.create(models(global, local), config)) {
            List<List<SampleEvent>> got = runAll(engine, requests, 32);
            assertEquals(200, got.size());
            for (int i = 0; i < requests.size(); i++) {
                List<SampleEvent> events = got.get(i);
                long imageEvents = events.stream().filter(e -> e instanceof SampleEvent.Image).count();
                assertEquals(requests.get(i).count(), imageEvents, "request " + i + ": each image exactly once");
                assertInstanceOf(SampleEvent.Completed.class, events.get(events.size() - 1));
                assertArrayEquals(images(reference.get(i)), images(events), "request " + i + " after retries");
            }
            assertTrue(global.failures.get() + local.failures.get() > 10, "faults were injected: "
                    + (global.failures.get() + local.failures.get()));
            assertEquals(global.failures.get(), engine.stats().failures("g"));
        }
    }

    @Test
    void aPermanentlyFailingModelFailsOnlyItsRequests() {
        var local = new FaultInjectingDenoiser(DATA.denoiser("l", ModelRole.LOCAL), 1.0, 3);
        try (var engine = PhaseflowEngine.create(models(DATA.denoiser("g", ModelRole.GLOBAL), local),
                EngineConfig.defaults().withWorkers(2).withMaxRetries(2))) {
            Map<Mode, String> outcome = new ConcurrentHashMap<>();
            Flux.just(Mode.LOCAL, Mode.GLOBAL, Mode.HYBRID, Mode.GLOBAL)
                    .flatMap(m -> engine.sample(SampleRequest.defaults().withMode(m).withSteps(8)).then(Mono.just("ok"))
                            .onErrorResume(e -> Mono.just("error: " + e.getMessage()))
                            .doOnNext(s -> outcome.merge(m, s, (a, b) -> a.equals(b) ? a : a + " | " + b)))
                    .blockLast(Duration.ofSeconds(60));
            assertEquals("ok", outcome.get(Mode.GLOBAL));
            assertTrue(outcome.get(Mode.LOCAL).startsWith("error: request ") && outcome.get(Mode.LOCAL).contains("model 'l' failed 3 times"),
                    outcome.get(Mode.LOCAL));
            assertTrue(outcome.get(Mode.HYBRID).contains("model 'l' failed"), outcome.get(Mode.HYBRID));
            assertIdleSoon(engine);
            // the engine still serves after the failures
            assertEquals(3, images(engine.sample(SampleRequest.defaults().withMode(Mode.GLOBAL).withCount(3)).collectList()
                    .block(Duration.ofSeconds(30))).length / 36);
        }
    }

    @Test
    void cancelledRequestsReleaseTheirSlots() throws InterruptedException {
        try (var engine = PhaseflowEngine.create(exact(), EngineConfig.defaults().withWorkers(1))) {
            List<reactor.core.Disposable> subs = new ArrayList<>();
            AtomicInteger steps = new AtomicInteger();
            for (int i = 0; i < 10; i++) {
                subs.add(engine.sample(SampleRequest.defaults().withSteps(1000).withSeed(i)).subscribeOn(Schedulers.parallel())
                        .subscribe(e -> steps.incrementAndGet()));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((engine.inFlight() < 10 || steps.get() < 50) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(10, engine.inFlight());
            subs.forEach(reactor.core.Disposable::dispose);
            while (engine.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, engine.inFlight(), "cancelled requests released their slots");
            int after = steps.get();
            Thread.sleep(100);
            assertTrue(steps.get() - after <= 10, "cancelled jobs stopped emitting");
        }
    }

    @Test
    void beyondTheAdmissionLimitRequestsAreRejectedAtOnce() {
        EngineConfig config = EngineConfig.defaults().withWorkers(2).withAdmission(8, 10_000);
        try (var engine = PhaseflowEngine.create(exact(), config)) {
            Map<String, AtomicInteger> outcomes = new HashMap<>();
            for (String k : List.of("completed", "overloaded", "other")) {
                outcomes.put(k, new AtomicInteger());
            }
            Runtime rt = Runtime.getRuntime();
            long before = rt.totalMemory() - rt.freeMemory();
            Flux.range(0, 80)
                    .flatMap(i -> engine.sample(SampleRequest.defaults().withSeed(i).withSteps(30).withCount(4))
                            .then(Mono.just("completed"))
                            .onErrorResume(OverloadedException.class, e -> Mono.just("overloaded"))
                            .onErrorResume(e -> Mono.just("other")), 80)
                    .doOnNext(k -> outcomes.get(k).incrementAndGet())
                    .blockLast(Duration.ofSeconds(60));
            long after = rt.totalMemory() - rt.freeMemory();
            assertEquals(0, outcomes.get("other").get());
            assertTrue(outcomes.get("completed").get() >= 8, "the admitted complete: " + outcomes);
            assertTrue(outcomes.get("overloaded").get() >= 60, "the excess is rejected: " + outcomes);
            assertEquals(80, outcomes.get("completed").get() + outcomes.get("overloaded").get());
            assertTrue(after - before < 256L << 20, "memory stayed bounded: grew " + ((after - before) >> 20) + " MiB");
            assertIdleSoon(engine);
        }
    }

    @Test
    void overloadErrorSaysSo() {
        try (var engine = PhaseflowEngine.create(exact(), EngineConfig.defaults().withAdmission(1, 100))) {
            SamplingException e = org.junit.jupiter.api.Assertions.assertThrows(OverloadedException.class,
                    () -> engine.sample(SampleRequest.defaults().withCount(101)).blockLast(Duration.ofSeconds(5)));
            assertTrue(e.getMessage().startsWith("overloaded"), e.getMessage());
        }
    }

    @Test
    void routesAreCountedLikeTheReference() {
        try (var engine = PhaseflowEngine.create(exact(), EngineConfig.defaults().withWorkers(2))) {
            List<SampleEvent> events = engine.sample(SampleRequest.defaults().withMode(Mode.SWAPPED).withSteps(24).withSolver("heun"))
                    .collectList().block(Duration.ofSeconds(30));
            SampleEvent.Completed done = (SampleEvent.Completed) events.get(events.size() - 1);
            assertTrue(done.evaluationsByRoute().get(Route.GLOBAL) > 0 && done.evaluationsByRoute().get(Route.LOCAL) > 0);
        }
    }
}
