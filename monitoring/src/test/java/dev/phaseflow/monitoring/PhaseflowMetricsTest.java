package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.monitoring.testing.TextScrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhaseflowMetricsTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong();
    private final PhaseflowMetrics metrics = new PhaseflowMetrics(new PrometheusRegistry(), false, clock::get);

    /** The known workload; durations 0.5 s and 2 s completed, 7.5 s cancelled. */
    private void recordWorkload() {
        TrackedRequest r1 = metrics.requestStarted();
        TrackedRequest r2 = metrics.requestStarted();
        TrackedRequest r3 = metrics.requestStarted();
        metrics.requestRejected();
        for (int i = 0; i < 10; i++) {
            metrics.stepCompleted("local");
            metrics.modelExecuted("local-patch", 64);
            metrics.queueWait("local", 0.0625);
        }
        for (int i = 0; i < 4; i++) {
            metrics.stepCompleted("global");
            metrics.modelExecuted("global-unet", 8);
            metrics.computeTime("global", 0.25);
        }
        metrics.imagesProduced(2);
        metrics.error(ErrorKind.OVERLOADED);
        clock.set(500 * MS);
        assertTrue(r1.completed());
        clock.set(2000 * MS);
        assertTrue(r2.completed());
        clock.set(7500 * MS);
        assertTrue(r3.cancelled());
        assertFalse(r1.cancelled(), "a finished request cannot finish again");
    }

    @Test
    void knownWorkloadScrapesToExactLines() {
        recordWorkload();
        String text = MetricsExporter.text(metrics.registry());
        TextScrape scrape = new TextScrape(text);

        assertTrue(scrape.lines().contains("phaseflow_requests_started_total 3.0"), text);
        assertTrue(scrape.lines().contains("phaseflow_steps_total{route=\"local\"} 10.0"), text);
        assertTrue(scrape.lines().contains("phaseflow_steps_total{route=\"global\"} 4.0"), text);
        assertTrue(scrape.lines().contains("phaseflow_request_duration_seconds_count{outcome=\"completed\"} 2"), text);
        assertTrue(scrape.lines().contains("phaseflow_request_duration_seconds_sum{outcome=\"completed\"} 2.5"), text);

        assertEquals(2, scrape.value("phaseflow_requests_finished_total{outcome=\"completed\"}"));
        assertEquals(1, scrape.value("phaseflow_requests_finished_total{outcome=\"cancelled\"}"));
        assertEquals(0, scrape.value("phaseflow_requests_finished_total{outcome=\"failed\"}"));
        assertEquals(1, scrape.value("phaseflow_requests_finished_total{outcome=\"rejected\"}"));
        assertEquals(0, scrape.value("phaseflow_inflight_requests"));
        assertEquals(2, scrape.value("phaseflow_images_total"));
        assertEquals(1, scrape.value("phaseflow_errors_total{kind=\"overloaded\"}"));
        assertEquals(0, scrape.value("phaseflow_errors_total{kind=\"internal\"}"));
    }

    @Test
    void requestDurationHistogramBucketsAreCumulative() {
        recordWorkload();
        TextScrape scrape = new TextScrape(MetricsExporter.text(metrics.registry()));
        String completed = "phaseflow_request_duration_seconds_bucket{outcome=\"completed\",le=\"%s\"}";
        assertEquals(0, scrape.value(completed.formatted("0.25")));
        assertEquals(1, scrape.value(completed.formatted("0.5")), "le is inclusive: 0.5 s falls in le=0.5");
        assertEquals(1, scrape.value(completed.formatted("1.0")));
        assertEquals(2, scrape.value(completed.formatted("2.5")));
        assertEquals(2, scrape.value(completed.formatted("600.0")));
        assertEquals(2, scrape.value(completed.formatted("+Inf")));
        String cancelled = "phaseflow_request_duration_seconds_bucket{outcome=\"cancelled\",le=\"%s\"}";
        assertEquals(0, scrape.value(cancelled.formatted("5.0")));
        assertEquals(1, scrape.value(cancelled.formatted("10.0")));
        assertEquals(7.5, scrape.value("phaseflow_request_duration_seconds_sum{outcome=\"cancelled\"}"));
        assertEquals(0, scrape.value("phaseflow_request_duration_seconds_count{outcome=\"failed\"}"));
    }

    @Test
    void modelAndStepTimingHistograms() {
        recordWorkload();
        TextScrape scrape = new TextScrape(MetricsExporter.text(metrics.registry()));
        assertEquals(10, scrape.value("phaseflow_model_executions_total{model=\"local-patch\"}"));
        assertEquals(4, scrape.value("phaseflow_model_executions_total{model=\"global-unet\"}"));
        assertEquals(640, scrape.value("phaseflow_model_batch_size_sum{model=\"local-patch\"}"));
        assertEquals(0, scrape.value("phaseflow_model_batch_size_bucket{model=\"local-patch\",le=\"32.0\"}"));
        assertEquals(10, scrape.value("phaseflow_model_batch_size_bucket{model=\"local-patch\",le=\"64.0\"}"));
        assertEquals(4, scrape.value("phaseflow_model_batch_size_bucket{model=\"global-unet\",le=\"8.0\"}"));
        assertEquals(32, scrape.value("phaseflow_model_batch_size_sum{model=\"global-unet\"}"));

        assertEquals(10, scrape.value("phaseflow_queue_wait_seconds_count{route=\"local\"}"));
        assertEquals(0.625, scrape.value("phaseflow_queue_wait_seconds_sum{route=\"local\"}"));
        assertEquals(0, scrape.value("phaseflow_queue_wait_seconds_bucket{route=\"local\",le=\"0.05\"}"));
        assertEquals(10, scrape.value("phaseflow_queue_wait_seconds_bucket{route=\"local\",le=\"0.1\"}"));
        assertEquals(0, scrape.value("phaseflow_queue_wait_seconds_count{route=\"global\"}"));
        assertEquals(4, scrape.value("phaseflow_compute_seconds_bucket{route=\"global\",le=\"0.25\"}"));
        assertEquals(1.0, scrape.value("phaseflow_compute_seconds_sum{route=\"global\"}"));
    }

    @Test
    void inflightCountsStartedButUnfinishedRequests() {
        TrackedRequest a = metrics.requestStarted();
        metrics.requestStarted();
        metrics.requestRejected();
        assertEquals(2, new TextScrape(MetricsExporter.text(metrics.registry())).value("phaseflow_inflight_requests"));
        a.failed();
        a.completed();
        TextScrape scrape = new TextScrape(MetricsExporter.text(metrics.registry()));
        assertEquals(1, scrape.value("phaseflow_inflight_requests"));
        assertEquals(1, scrape.value("phaseflow_requests_finished_total{outcome=\"failed\"}"));
        assertEquals(0, scrape.value("phaseflow_requests_finished_total{outcome=\"completed\"}"));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> metrics.stepCompleted("LOCAL"));
        assertThrows(IllegalArgumentException.class, () -> metrics.stepCompleted(null));
        assertThrows(IllegalArgumentException.class, () -> metrics.queueWait("local", -0.001));
        assertThrows(IllegalArgumentException.class, () -> metrics.computeTime("global", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> metrics.modelExecuted("m", 0));
        assertThrows(IllegalArgumentException.class, () -> metrics.modelExecuted(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> metrics.imagesProduced(0));
        assertThrows(IllegalArgumentException.class, () -> metrics.error(null));
    }

    @Test
    void oneRegistryHoldsOneSetOfMetrics() {
        assertThrows(IllegalArgumentException.class, () -> new PhaseflowMetrics(metrics.registry()));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void jvmMetricsOnlyWhenAskedFor(boolean jvm) {
        PhaseflowMetrics m = new PhaseflowMetrics(new PrometheusRegistry(), jvm);
        TextScrape scrape = new TextScrape(MetricsExporter.text(m.registry()));
        assertEquals(jvm, scrape.seriesNames().stream().anyMatch(n -> n.startsWith("jvm_")), scrape.seriesNames()::toString);
    }
}
