package dev.phaseflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;

class DirectSamplingServiceTest {
    static final double LO = 0.5;
    static final double HI = 5.0;
    final GaussianData data = new GaussianData(1, 6, 6);
    final GaussianData.Counting global = data.denoiser("g", ModelRole.GLOBAL);
    final GaussianData.Counting local = data.denoiser("l", ModelRole.LOCAL);

    static RouterPlan plan() {
        return new RouterPlan("g", "l", LO, HI, List.of(new RouterPlan.Interval(0, LO, "l"),
                new RouterPlan.Interval(LO, HI, "g"), new RouterPlan.Interval(HI, Double.POSITIVE_INFINITY, "l")),
                null);
    }

    ModelSet models() {
        return new ModelSet(Map.<String, Denoiser>of("g", global, "l", local), plan(), 0.01, 20, 1, 6, 6);
    }

    static List<SampleEvent> run(SamplingService service, SampleRequest request) {
        return service.sample(request).collectList().block(Duration.ofSeconds(60));
    }

    static float[] images(List<SampleEvent> events) {
        List<ImageBatch> out = new ArrayList<>();
        for (SampleEvent e : events) {
            if (e instanceof SampleEvent.Image img) {
                assertEquals(out.size(), img.index());
                out.add(img.pixels());
            }
        }
        return ImageBatch.concat(out).data();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"euler", "heun", "dpmpp-2m", "euler-ancestral"})
    void sameSeedSameImagesWhateverTheBatching(String solver) {
        SampleRequest request = SampleRequest.defaults().withCount(11).withSteps(12).withSolver(solver).withSeed(42);
        float[] reference;
        try (var one = new DirectSamplingService(models(), 64, SampleRequest.Limits.defaults(), 1)) {
            reference = images(run(one, request));
        }
        for (int batch : new int[] {1, 3, 5}) {
            try (var split = new DirectSamplingService(models(), batch, SampleRequest.Limits.defaults(), 2)) {
                assertArrayEquals(reference, images(run(split, request)), solver + " with batches of " + batch);
            }
        }
        // an image does not depend on how many images its request has
        try (var service = new DirectSamplingService(models(), 4, SampleRequest.Limits.defaults(), 1)) {
            float[] firstThree = images(run(service, request.withCount(3)));
            assertArrayEquals(java.util.Arrays.copyOf(reference, firstThree.length), firstThree);
            float[] otherSeed = images(run(service, request.withSeed(43)));
            assertFalse(java.util.Arrays.equals(reference, otherSeed), "different seeds must give different images");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void eachModeCallsEachRouteAsItsPlanSays(Mode mode) {
        SampleRequest request = SampleRequest.defaults().withCount(4).withSteps(20).withSolver("heun").withMode(mode);
        try (var service = new DirectSamplingService(models(), 64, SampleRequest.Limits.defaults(), 1)) {
            List<SampleEvent> events = run(service, request);
            SampleEvent.Started started = (SampleEvent.Started) events.get(0);
            // expected: every evaluation's sigma through the plan (Heun: sigma_i and, but for the last step, sigma_i+1)
            long expectLocal = 0;
            long expectGlobal = 0;
            double[] s = started.sigmas();
            for (int i = 0; i < s.length - 1; i++) {
                List<Double> at = s[i + 1] > 0 ? List.of(s[i], s[i + 1]) : List.of(s[i]);
                for (double sigma : at) {
                    if (plan().modelFor(mode, sigma).equals("g")) {
                        expectGlobal++;
                    } else {
                        expectLocal++;
                    }
                }
            }
            SampleEvent.Completed done = (SampleEvent.Completed) events.get(events.size() - 1);
            assertEquals(expectGlobal, done.evaluationsByRoute().get(Route.GLOBAL), mode + " global evaluations");
            assertEquals(expectLocal, done.evaluationsByRoute().get(Route.LOCAL), mode + " local evaluations");
            assertEquals(expectGlobal, global.calls.get(), "one model call per evaluation at batch 64");
            assertEquals(expectLocal, local.calls.get());
            assertEquals(4 * expectGlobal, global.images.get());
            // the modes that must avoid a route do
            switch (mode) {
                case GLOBAL -> assertEquals(0, expectLocal);
                case LOCAL -> assertEquals(0, expectGlobal);
                default -> assertTrue(expectLocal > 0 && expectGlobal > 0);
            }
            for (SampleEvent e : events) {
                if (e instanceof SampleEvent.Step step) {
                    boolean inWindow = step.sigma() >= LO && step.sigma() < HI;
                    Route expected = switch (mode) {
                        case GLOBAL -> Route.GLOBAL;
                        case LOCAL -> Route.LOCAL;
                        case HYBRID -> inWindow ? Route.GLOBAL : Route.LOCAL;
                        case SWAPPED -> inWindow ? Route.LOCAL : Route.GLOBAL;
                    };
                    assertEquals(expected, step.route(), mode + " step at sigma " + step.sigma());
                }
            }
        }
    }

    @Test
    void eventsComeInOrderWithPreviews() {
        SampleRequest request = SampleRequest.defaults().withCount(2).withSteps(10).withPreviewEvery(4);
        try (var service = new DirectSamplingService(models(), 64, SampleRequest.Limits.defaults(), 1)) {
            List<SampleEvent> events = run(service, request);
            assertInstanceOf(SampleEvent.Started.class, events.get(0));
            List<Integer> previews = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                SampleEvent.Step step = assertInstanceOf(SampleEvent.Step.class, events.get(i));
                assertEquals(i - 1, step.index());
                step.preview().ifPresent(p -> {
                    assertEquals(2, p.count());
                    previews.add(step.index());
                });
            }
            assertEquals(List.of(0, 4, 8, 9), previews);
            assertInstanceOf(SampleEvent.Image.class, events.get(11));
            assertInstanceOf(SampleEvent.Image.class, events.get(12));
            SampleEvent.Completed done = assertInstanceOf(SampleEvent.Completed.class, events.get(13));
            assertEquals(2, done.images());
            assertEquals(14, events.size());
            for (float v : images(events)) {
                assertTrue(v >= -1 && v <= 1);
            }
        }
    }

    @Test
    void invalidRequestsFailBeforeAnyWork() {
        try (var service = new DirectSamplingService(models(), 64, new SampleRequest.Limits(100, 500), 1)) {
            record Case(SampleRequest request, String field) {}
            SampleRequest ok = SampleRequest.defaults();
            for (Case c : List.of(new Case(ok.withCount(0), "count"), new Case(ok.withCount(101), "count"),
                    new Case(ok.withSteps(0), "steps"), new Case(ok.withSteps(1_000_000), "steps"),
                    new Case(ok.withSolver("rk4"), "solver"), new Case(ok.withSchedule("linear"), "schedule"),
                    new Case(ok.withMode(null), "mode"), new Case(ok.withPreviewEvery(-1), "preview_every"),
                    new Case(ok.withEta(2), "eta"))) {
                Flux<SampleEvent> flux = service.sample(c.request());
                InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> flux.blockLast(Duration.ofSeconds(5)));
                assertEquals(c.field(), e.field());
                assertTrue(e.getMessage().startsWith(c.field()), e.getMessage());
            }
            assertEquals(0, global.calls.get() + local.calls.get(), "no model was called");
        }
    }

    @Test
    void cancellingStopsTheRun() {
        try (var service = new DirectSamplingService(models(), 64, SampleRequest.Limits.defaults(), 1)) {
            List<SampleEvent> firstTwo = service.sample(SampleRequest.defaults().withSteps(500)).take(2)
                    .collectList().block(Duration.ofSeconds(30));
            assertEquals(2, firstTwo.size());
            int callsAfterCancel = global.calls.get() + local.calls.get();
            assertTrue(callsAfterCancel < 100, "the run stopped soon after cancel: " + callsAfterCancel + " calls");
        }
    }
}
