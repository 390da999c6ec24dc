package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.monitoring.testing.TextScrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PhaseDiagnosticsTest {
    /** One image of four pixels; against it, {@link #LOCAL_02} has Delta 0.2 and {@link #LOCAL_08} 0.8. */
    private static final float[] GLOBAL = {1, 2, 3, 4};
    private static final float[] LOCAL_02 = {1, 2, 3, 5};
    private static final float[] LOCAL_08 = {1, 2, 3, 6};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PhaseDiagnostics diagnostics = new PhaseDiagnostics(registry, new Calibration(0.3, 3, 1.2),
            PhaseDiagnostics.Settings.defaults().withDriftThreshold(0.5).withShadowFraction(0.25));

    private TextScrape scrape() {
        return new TextScrape(MetricsExporter.text(registry));
    }

    private double shadow(double sigma, String route, float[] local) {
        return diagnostics.recordShadow(sigma, route, GLOBAL, local, 1, 4);
    }

    @Test
    void recordsDeltaBySigmaBucket() {
        assertEquals(0.2, shadow(10, "local", LOCAL_02));
        shadow(12, "local", LOCAL_08); // same bucket (8.8, 13.7]
        shadow(1, "global", LOCAL_08);

        List<SigmaBucketMean> means = diagnostics.meanDeltaBySigma();
        assertEquals(2, means.size());
        assertEquals(new SigmaBucketMean(14, 0.967, 1.5, "1.5", 1, 0.8), means.get(0));
        SigmaBucketMean high = means.get(1);
        assertEquals("13.7", high.label());
        assertEquals(2, high.count());
        assertEquals(0.5, high.meanDelta(), 1e-15);

        TextScrape scrape = scrape();
        assertEquals(0.5, scrape.value("phaseflow_shadow_delta_mean{sigma_bucket=\"13.7\"}"), 1e-15);
        assertEquals(0.8, scrape.value("phaseflow_shadow_delta_mean{sigma_bucket=\"1.5\"}"), 1e-15);
        assertFalse(scrape.has("phaseflow_shadow_delta_mean{sigma_bucket=\"0.4\"}"), "no data, no series");
        assertEquals(2, scrape.value("phaseflow_shadow_delta_count{sigma_bucket=\"13.7\"}"));
        assertEquals(1.0, scrape.value("phaseflow_shadow_delta_sum{sigma_bucket=\"13.7\"}"), 1e-15);
        assertEquals(1, scrape.value("phaseflow_shadow_delta_bucket{sigma_bucket=\"13.7\",le=\"0.25\"}"));
        assertEquals(1, scrape.value("phaseflow_shadow_delta_bucket{sigma_bucket=\"13.7\",le=\"0.5\"}"));
        assertEquals(2, scrape.value("phaseflow_shadow_delta_bucket{sigma_bucket=\"13.7\",le=\"1.0\"}"));
        assertEquals(2, scrape.value("phaseflow_shadow_evaluations_total{route=\"local\"}"));
        assertEquals(1, scrape.value("phaseflow_shadow_evaluations_total{route=\"global\"}"));
    }

    @Test
    void undefinedDeltaIsCountedNotRecorded() {
        double delta = diagnostics.recordShadow(10, "local", new float[] {2, 2}, new float[] {2, 3}, 1, 2);
        assertTrue(Double.isNaN(delta));
        TextScrape scrape = scrape();
        assertEquals(1, scrape.value("phaseflow_shadow_undefined_total"));
        assertEquals(1, scrape.value("phaseflow_shadow_evaluations_total{route=\"local\"}"));
        assertTrue(diagnostics.meanDeltaBySigma().isEmpty());
        assertEquals(0, diagnostics.windowDrift());
    }

    @Test
    void driftIsTheSmoothedFractionOfLocalExceedancesOutsideTheWindow() {
        PhaseDiagnostics d = new PhaseDiagnostics(new PrometheusRegistry(), new Calibration(0.3, 3, 1.2),
                new PhaseDiagnostics.Settings(0.02, 0.5, 0.5, 16, 16));
        d.recordShadow(10, "local", GLOBAL, LOCAL_08, 1, 4); // exceeds: 0.5
        assertEquals(0.5, d.windowDrift());
        d.recordShadow(0.1, "local", GLOBAL, LOCAL_08, 1, 4); // below the window, exceeds: 0.75
        assertEquals(0.75, d.windowDrift());
        d.recordShadow(10, "local", GLOBAL, LOCAL_02, 1, 4); // within threshold: 0.375
        assertEquals(0.375, d.windowDrift());
        d.recordShadow(1, "local", GLOBAL, LOCAL_08, 1, 4); // inside the window: not checked
        d.recordShadow(3, "local", GLOBAL, LOCAL_08, 1, 4); // on the window's edge: inside
        d.recordShadow(10, "global", GLOBAL, LOCAL_08, 1, 4); // global route: not checked
        assertEquals(0.375, d.windowDrift());
    }

    @Test
    void driftIsExposedWithItsCounters() {
        shadow(10, "local", LOCAL_08);
        shadow(10, "local", LOCAL_02);
        shadow(1, "local", LOCAL_08);
        TextScrape scrape = scrape();
        assertEquals(2, scrape.value("phaseflow_window_drift_checks_total"));
        assertEquals(1, scrape.value("phaseflow_window_drift_exceedances_total"));
        // default smoothing 0.05: 0.05 after the exceedance, then 0.95 * 0.05
        assertEquals(0.0475, scrape.value("phaseflow_window_drift"), 1e-15);
        assertEquals(diagnostics.windowDrift(), scrape.value("phaseflow_window_drift"));
    }

    @Test
    void calibrationConstantsAreGaugesAndRecalibrationResetsDrift() {
        shadow(10, "local", LOCAL_08);
        assertTrue(diagnostics.windowDrift() > 0);
        TextScrape before = scrape();
        assertEquals(0.3, before.value("phaseflow_calibration_sigma{quantity=\"window_lo\"}"));
        assertEquals(3, before.value("phaseflow_calibration_sigma{quantity=\"window_hi\"}"));
        assertEquals(1.2, before.value("phaseflow_calibration_sigma{quantity=\"spectral_speciation\"}"));

        diagnostics.recalibrate(new Calibration(0.2, 12, 2.5));
        assertEquals(0, diagnostics.windowDrift());
        shadow(10, "local", LOCAL_08); // now inside the window
        assertEquals(0, diagnostics.windowDrift());
        TextScrape after = scrape();
        assertEquals(12, after.value("phaseflow_calibration_sigma{quantity=\"window_hi\"}"));
        assertEquals(2.5, after.value("phaseflow_calibration_sigma{quantity=\"spectral_speciation\"}"));
        assertEquals(0, after.value("phaseflow_window_drift"));
    }

    @Test
    void shouldShadowUsesTheConfiguredFraction() {
        assertEquals(0.25, diagnostics.shadowFraction());
        ShadowSampler same = new ShadowSampler(0.25);
        int shadowed = 0;
        for (int s = 0; s < 400; s++) {
            assertEquals(same.shouldShadow("q", s), diagnostics.shouldShadow("q", s));
            shadowed += diagnostics.shouldShadow("q", s) ? 1 : 0;
        }
        assertTrue(shadowed > 0 && shadowed < 400, "some but not all: " + shadowed);
        PhaseDiagnostics defaults = new PhaseDiagnostics(new PrometheusRegistry(), new Calibration(0.3, 3, Double.NaN));
        assertEquals(ShadowSampler.DEFAULT_FRACTION, defaults.shadowFraction());
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        shadow(10, "local", i % 2 == 0 ? LOCAL_02 : LOCAL_08);
                        String request = "t" + id + "-" + i;
                        diagnostics.commitment().observe(request, 5, new int[] {1, 2});
                        diagnostics.commitment().observe(request, 1, new int[] {1, 3});
                        diagnostics.commitment().finish(request);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        SigmaBucketMean mean = diagnostics.meanDeltaBySigma().get(0);
        assertEquals(threads * perThread, mean.count());
        assertEquals(0.5, mean.meanDelta(), 1e-9);
        TextScrape scrape = scrape();
        assertEquals(threads * perThread, scrape.value("phaseflow_shadow_delta_count{sigma_bucket=\"13.7\"}"));
        assertEquals(2 * threads * perThread, scrape.value("phaseflow_class_commitment_sigma_count"));
        assertEquals(threads * perThread * (5 + 1), scrape.value("phaseflow_class_commitment_sigma_sum"), 1e-6);
        assertEquals(0, diagnostics.commitment().trackedRequests());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> shadow(10, "both", LOCAL_02));
        assertThrows(IllegalArgumentException.class, () -> shadow(-1, "local", LOCAL_02));
        assertThrows(IllegalArgumentException.class, () -> diagnostics.recordShadow(10, "local", GLOBAL, LOCAL_02, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> PhaseDiagnostics.Settings.defaults().withShadowFraction(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new PhaseDiagnostics.Settings(0.02, 0.1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PhaseDiagnostics.Settings(0.02, -1, 0.1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PhaseDiagnostics.Settings(0.02, 0.1, 0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(3, 0.3, 1));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(0.3, 3, -1));
        assertThrows(IllegalArgumentException.class, () -> diagnostics.recalibrate(null));
        assertEquals(0, scrape().value("phaseflow_shadow_evaluations_total{route=\"local\"}"), "bad calls record nothing");
    }
}
