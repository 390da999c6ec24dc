package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.monitoring.Calibration;
import dev.phaseflow.monitoring.MetricsExporter;
import dev.phaseflow.monitoring.PhaseDiagnostics;
import dev.phaseflow.monitoring.PhaseflowMetrics;
import dev.phaseflow.monitoring.SigmaBucketMean;
import dev.phaseflow.monitoring.testing.PrometheusServer;
import dev.phaseflow.monitoring.testing.TextScrape;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.RouterPlan;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** The engine reporting into Prometheus metrics and live phase diagnostics. */
class EngineMonitoringTest {

    /** Evaluations by route the plan implies for a request (every solver here makes one evaluation per step). */
    private static long[] expectedEvaluations(ModelSet models, SampleRequest r) {
        long local = 0;
        long global = 0;
        double[] s = models.sigmas(r);
        for (int i = 0; i < s.length - 1; i++) {
            if (models.route(models.modelFor(r.mode(), s[i])) == dev.phaseflow.pipeline.routing.Route.LOCAL) {
                local++;
            } else {
                global++;
            }
        }
        return new long[] {local, global};
    }

    @Test
    void metricsHaveExactValuesAfterAKnownWorkload() {
        PhaseflowMetrics metrics = new PhaseflowMetrics(new PrometheusRegistry(), false);
        ModelSet models = EngineTest.exact();
        List<SampleRequest> completed = List.of(
                SampleRequest.defaults().withMode(Mode.HYBRID).withSteps(10).withCount(2),
                SampleRequest.defaults().withMode(Mode.SWAPPED).withSteps(7).withCount(2).withSolver("dpmpp-2m"),
                SampleRequest.defaults().withMode(Mode.GLOBAL).withSteps(5).withCount(1));
        long local = 0;
        long global = 0;
        long globalImages = 0;
        for (SampleRequest r : completed) {
            long[] e = expectedEvaluations(models, r);
            local += e[0];
            global += e[1];
            globalImages += e[1] * r.count();
        }
        EngineConfig config = EngineConfig.defaults().withWorkers(1).withAdmission(4, 6);
        try (var engine = PhaseflowEngine.builder(models).config(config).observer(new MetricsObserver(metrics)).build()) {
            for (SampleRequest r : completed) {
                engine.sample(r).blockLast(Duration.ofSeconds(30));
            }
            TextScrape after = new TextScrape(MetricsExporter.text(metrics.registry()));
            assertEquals(local, after.value("phaseflow_steps_total{route=\"local\"}"));
            assertEquals(global, after.value("phaseflow_steps_total{route=\"global\"}"));
            assertEquals(3, after.value("phaseflow_requests_started_total"));
            assertEquals(3, after.value("phaseflow_requests_finished_total{outcome=\"completed\"}"));
            assertEquals(5, after.value("phaseflow_images_total"));
            assertEquals(0, after.value("phaseflow_inflight_requests"));
            assertEquals(globalImages, after.value("phaseflow_model_batch_size_sum{model=\"g\"}"),
                    "the global model's batches add up to every image of every global evaluation");
            // one rejected (7 images exceed the limit of 6), one cancelled
            assertThrows(OverloadedException.class, () -> engine.sample(SampleRequest.defaults().withCount(7))
                    .blockLast(Duration.ofSeconds(5)));
            engine.sample(SampleRequest.defaults().withSteps(500)).take(3).blockLast(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (engine.inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            TextScrape end = new TextScrape(MetricsExporter.text(metrics.registry()));
            assertEquals(1, end.value("phaseflow_requests_finished_total{outcome=\"rejected\"}"));
            awaitValue(metrics, "phaseflow_requests_finished_total{outcome=\"cancelled\"}", 1);
            assertEquals(4, end.value("phaseflow_requests_started_total"));
            assertEquals(1, end.value("phaseflow_errors_total{kind=\"overloaded\"}"));
        }
    }

    private static void awaitValue(PhaseflowMetrics metrics, String series, double expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        double value = Double.NaN;
        while (System.nanoTime() < deadline) {
            TextScrape s = new TextScrape(MetricsExporter.text(metrics.registry()));
            value = s.has(series) ? s.value(series) : Double.NaN;
            if (value == expected) {
                return;
            }
            Thread.onSpinWait();
        }
        assertEquals(expected, value, series);
    }

    /**
     * On the two-Gaussian mixture, shadowing every step of global-only runs with a local denoiser of
     * radius 2: the live Delta by sigma bucket peaks between sigma_l, where a patch separates the
     * modes, and sigma_c, where the whole image does.
     */
    @Test
    void liveDeltaPeaksInTheAnalyticWindow() {
        TwoGaussianMixture mixture = TwoGaussianMixture.standard();
        int radius = 2;
        double lo = mixture.localSpeciationSigma(radius);
        double hi = mixture.speciationSigma();
        String local = "local-r" + radius;
        Map<String, Denoiser> denoisers = Map.of(TwoGaussianMixture.EXACT_NAME, mixture.exactDenoiser(), local,
                mixture.localDenoiser(radius));
        RouterPlan plan = new RouterPlan(TwoGaussianMixture.EXACT_NAME, local, lo, hi,
                List.of(new RouterPlan.Interval(0, Double.POSITIVE_INFINITY, TwoGaussianMixture.EXACT_NAME)),
                null);
        ModelSet models = new ModelSet(denoisers, plan, 0.01, 80, 1, mixture.height(), mixture.width());
        double dataVariance = (mixture.a() * mixture.a() + mixture.dimension() * mixture.s() * mixture.s()) / mixture.dimension();
        PhaseDiagnostics diagnostics = new PhaseDiagnostics(new PrometheusRegistry(),
                new Calibration(lo, hi, Math.sqrt(mixture.a() * mixture.a() + mixture.s() * mixture.s()), dataVariance),
                PhaseDiagnostics.Settings.defaults().withShadowFraction(1.0));
        try (var engine = PhaseflowEngine.builder(models).config(EngineConfig.defaults().withWorkers(2))
                .diagnostics(new EngineDiagnostics(diagnostics, Optional.empty(), 0)).build()) {
            Flux.range(0, 24).flatMap(i -> engine.sample(SampleRequest.defaults().withMode(Mode.GLOBAL).withSteps(60)
                    .withCount(4).withSeed(i)).then(), 8).blockLast(Duration.ofMinutes(2));
        }
        List<SigmaBucketMean> means = new ArrayList<>(diagnostics.meanDeltaBySigma());
        SigmaBucketMean peak = means.stream().filter(m -> m.count() > 0)
                .max((a, b) -> Double.compare(a.meanDelta(), b.meanDelta())).orElseThrow();
        StringBuilder table = new StringBuilder();
        means.forEach(m -> table.append(String.format(" %s:%.3g", m.label(), m.meanDelta())));
        assertTrue(peak.upperEdge() >= lo && peak.lowerEdge() <= hi,
                "Delta peaks in bucket (" + peak.lowerEdge() + ", " + peak.upperEdge() + "], window [" + lo + ", " + hi + "]:" + table);
        for (SigmaBucketMean m : means) {
            if (m.count() > 0 && (m.upperEdge() < lo / 4 || m.lowerEdge() > 8 * hi)) {
                assertTrue(m.meanDelta() < 0.2 * peak.meanDelta(), "outer phases agree: bucket " + m.label() + " has " + m.meanDelta()
                        + " against the peak " + peak.meanDelta() + table);
            }
        }
    }

    @Test
    void classCommitmentIsRecordedForTrackedRequests() throws InterruptedException {
        GaussianData data = new GaussianData(1, 28, 28);
        RouterPlan plan = EngineTest.plan();
        ModelSet models = new ModelSet(Map.of("g", data.denoiser("g", dev.phaseflow.models.ModelRole.GLOBAL),
                "l", data.denoiser("l", dev.phaseflow.models.ModelRole.LOCAL)), plan, 0.01, 20, 1, 28, 28);
        PhaseDiagnostics diagnostics = new PhaseDiagnostics(new PrometheusRegistry(), new Calibration(0.5, 5, 2));
        try (ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder(), SessionConfig.defaults().withIntraOpThreads(1));
             var engine = PhaseflowEngine.builder(models)
                     .diagnostics(new EngineDiagnostics(diagnostics, Optional.of(zoo.classifier()), 1.0)).build()) {
            Flux.range(0, 6).flatMap(i -> engine.sample(SampleRequest.defaults().withSteps(12).withCount(2).withSeed(i)).then())
                    .blockLast(Duration.ofSeconds(60));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while ((diagnostics.commitment().medianCommitmentSigma().isEmpty() || diagnostics.commitment().trackedRequests() > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double median = diagnostics.commitment().medianCommitmentSigma().orElseThrow();
            assertTrue(median >= 0.01 && median <= 20, "commitment sigma on the schedule: " + median);
            assertEquals(0, diagnostics.commitment().trackedRequests(), "finished requests are cleaned up");
        }
    }

    @Test
    void prometheusScrapesARunningEngine(@TempDir Path dir) throws Exception {
        PrometheusServer.assumeAvailable();
        PhaseflowMetrics metrics = new PhaseflowMetrics(new PrometheusRegistry(), true);
        try (var engine = PhaseflowEngine.builder(EngineTest.exact()).observer(new MetricsObserver(metrics)).build();
             MetricsExporter exporter = MetricsExporter.start(metrics.registry());
             PrometheusServer prometheus = PrometheusServer.start(dir, List.of(exporter.host() + ":" + exporter.port()),
                     Duration.ofSeconds(1))) {
            List<SampleEvent> events = engine.sample(SampleRequest.defaults().withMode(Mode.HYBRID).withSteps(16).withCount(3))
                    .collectList().block(Duration.ofSeconds(30));
            SampleEvent.Completed done = (SampleEvent.Completed) events.get(events.size() - 1);
            prometheus.awaitTargetsUp(PrometheusServer.DEFAULT_TIMEOUT);
            prometheus.awaitValue("phaseflow_images_total", 3, PrometheusServer.DEFAULT_TIMEOUT);
            prometheus.awaitValue("sum(phaseflow_steps_total)", done.evaluationsByRoute().values().stream().mapToLong(Long::longValue).sum(),
                    PrometheusServer.DEFAULT_TIMEOUT);
            prometheus.awaitValue("phaseflow_requests_finished_total{outcome=\"completed\"}", 1, PrometheusServer.DEFAULT_TIMEOUT);
            assertTrue(prometheus.query("jvm_memory_used_bytes").size() > 0, "JVM metrics too");
        }
    }
}
