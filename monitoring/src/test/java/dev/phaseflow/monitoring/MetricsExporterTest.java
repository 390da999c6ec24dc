package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.monitoring.testing.TextScrape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsExporterTest {
    private final PhaseflowMetrics metrics = new PhaseflowMetrics();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(MetricsExporter exporter, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(exporter.metricsUri()).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryOnALoopbackPortAndStopsOnClose() throws Exception {
        metrics.stepCompleted("local");
        MetricsExporter exporter = MetricsExporter.start(metrics.registry());
        try (exporter) {
            assertEquals("127.0.0.1", exporter.host());
            assertTrue(exporter.port() > 0);
            assertEquals("http://127.0.0.1:" + exporter.port() + "/metrics", exporter.metricsUri().toString());
            HttpResponse<String> response = get(exporter, null);
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertEquals(1, new TextScrape(response.body()).value("phaseflow_steps_total{route=\"local\"}"));
        }
        assertThrows(IOException.class, () -> get(exporter, null));
    }

    @Test
    void negotiatesOpenMetricsLikePrometheusAsksForIt() throws Exception {
        try (MetricsExporter exporter = MetricsExporter.start(metrics.registry())) {
            HttpResponse<String> response = get(exporter, "application/openmetrics-text;version=1.0.0");
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(response.body().endsWith("# EOF\n"), response.body());
        }
    }

    @Test
    void rendersForTheAppsOwnEndpoint() throws IOException {
        metrics.imagesProduced(3);
        MetricsExporter.Exposition text = MetricsExporter.render(metrics.registry(), null);
        assertEquals(MetricsExporter.TEXT_CONTENT_TYPE, text.contentType());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", text.contentType());
        String body = new String(text.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\nphaseflow_images_total 3.0\n"), body);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetricsExporter.writeText(metrics.registry(), out);
        assertArrayEquals(text.body(), out.toByteArray());
        assertEquals(body, MetricsExporter.text(metrics.registry()));

        MetricsExporter.Exposition open = MetricsExporter.render(metrics.registry(),
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertTrue(open.contentType().startsWith("application/openmetrics-text"), open.contentType());
        assertTrue(new String(open.body(), StandardCharsets.UTF_8).contains("phaseflow_images_total 3.0"));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> MetricsExporter.start(metrics.registry(), "127.0.0.1", -1));
        assertThrows(IllegalArgumentException.class, () -> MetricsExporter.start(metrics.registry(), "", 0));
        assertThrows(IllegalArgumentException.class, () -> MetricsExporter.start(null));
    }
}
