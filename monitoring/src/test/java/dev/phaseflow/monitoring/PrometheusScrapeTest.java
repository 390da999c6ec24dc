package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.monitoring.testing.PrometheusServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against a real Prometheus server: it scrapes a {@link MetricsExporter} serving a known
 * workload, and its query API must return the recorded values. Skipped without the binary.
 */
class PrometheusScrapeTest {
    private static final Duration TIMEOUT = PrometheusServer.DEFAULT_TIMEOUT;

    @Test
    void prometheusScrapesTheRecordedWorkload(@TempDir Path dir) throws Exception {
        PrometheusServer.assumeAvailable();
        PhaseflowMetrics metrics = new PhaseflowMetrics();
        PhaseDiagnostics diagnostics = new PhaseDiagnostics(metrics.registry(), new Calibration(0.3, 3, 1.2));
        for (int i = 0; i < 10; i++) {
            metrics.stepCompleted("local");
        }
        for (int i = 0; i < 4; i++) {
            metrics.stepCompleted("global");
            metrics.modelExecuted("global-unet", 8);
        }
        metrics.requestStarted().completed();
        metrics.requestStarted().cancelled();
        metrics.requestStarted();
        metrics.imagesProduced(2);
        diagnostics.recordShadow(10, "local", new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 5}, 1, 4);

        try (MetricsExporter exporter = MetricsExporter.start(metrics.registry());
             PrometheusServer prometheus = PrometheusServer.start(dir,
                     List.of(exporter.host() + ":" + exporter.port()), Duration.ofSeconds(1))) {
            JsonNode targets = prometheus.awaitTargetsUp(TIMEOUT);
            assertEquals(1, targets.size());
            assertEquals(exporter.metricsUri().toString(), targets.get(0).path("scrapeUrl").asText());

            prometheus.awaitValue("up{job=\"phaseflow\"}", 1, TIMEOUT);
            prometheus.awaitValue("phaseflow_steps_total{route=\"local\"}", 10, TIMEOUT);
            prometheus.awaitValue("phaseflow_steps_total{route=\"global\"}", 4, TIMEOUT);
            prometheus.awaitValue("sum(phaseflow_steps_total)", 14, TIMEOUT);
            prometheus.awaitValue("phaseflow_requests_started_total", 3, TIMEOUT);
            prometheus.awaitValue("phaseflow_requests_finished_total{outcome=\"cancelled\"}", 1, TIMEOUT);
            prometheus.awaitValue("phaseflow_inflight_requests", 1, TIMEOUT);
            prometheus.awaitValue("phaseflow_images_total", 2, TIMEOUT);
            prometheus.awaitValue("phaseflow_model_batch_size_sum{model=\"global-unet\"}", 32, TIMEOUT);
            prometheus.awaitValue("phaseflow_model_batch_size_bucket{model=\"global-unet\",le=\"4.0\"}", 0, TIMEOUT);
            prometheus.awaitValue("phaseflow_model_batch_size_bucket{model=\"global-unet\",le=\"+Inf\"}", 4, TIMEOUT);
            prometheus.awaitValue("sum(phaseflow_request_duration_seconds_count)", 2, TIMEOUT);
            prometheus.awaitValue("phaseflow_shadow_delta_mean{sigma_bucket=\"13.7\"}", 0.2, TIMEOUT);
            prometheus.awaitValue("phaseflow_window_drift_checks_total", 1, TIMEOUT);
            prometheus.awaitValue("phaseflow_calibration_sigma{quantity=\"window_hi\"}", 3, TIMEOUT);

            // a value recorded after the first scrapes arrives with a later one
            metrics.stepCompleted("global");
            prometheus.awaitValue("phaseflow_steps_total{route=\"global\"}", 5, TIMEOUT);
        }
    }
}
