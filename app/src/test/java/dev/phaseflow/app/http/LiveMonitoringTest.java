package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.app.LiveMonitoring;
import dev.phaseflow.app.Serving;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** serve with live monitoring: engine, HTTP and JVM metrics at /metrics; Delta in step events and at /v1/diagnostics. */
class LiveMonitoringTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private String send(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    @Test
    void metricsAndDiagnosticsFollowTheTraffic() throws Exception {
        LiveMonitoring monitoring = new LiveMonitoring(ServerFixture.plan("g", "l"), Optional.empty(), 1.0);
        Serving serving = Serving.start(ServerFixture.exact(), List.of(), ServerFixture.smallEngine(),
                ServerFixture.LIMITS, b -> b.port(0), null, monitoring);
        try {
            int port = serving.server().port();
            send(port, "POST", "/v1/samples", "{\"count\": 3, \"steps\": 12, \"seed\": 1}");
            String second = send(port, "POST", "/v1/samples", "{\"count\": 3, \"steps\": 12, \"seed\": 2}");
            long withDelta = second.lines().filter(l -> l.startsWith("data:") && l.contains("\"delta\"")).count();
            assertTrue(withDelta >= 6, "step events carry the live Delta once earlier traffic was shadowed:\n" + second);

            JsonNode diagnostics = ServerFixture.JSON.readTree(send(port, "GET", "/v1/diagnostics", null));
            assertEquals(0.5, diagnostics.path("window").path("sigma_lo").asDouble());
            long shadowed = 0;
            for (JsonNode bucket : diagnostics.path("delta_by_sigma")) {
                shadowed += bucket.path("shadowed_steps").asLong();
            }
            assertEquals(24, shadowed, "every step of both requests was shadowed (fraction 1.0)");

            String metrics = send(port, "GET", "/metrics", null);
            for (String series : List.of("phaseflow_steps_total{route=\"local\"}", "phaseflow_images_total 6",
                    "phaseflow_requests_finished_total{outcome=\"completed\"} 2", "phaseflow_http_requests_total{endpoint=\"/v1/samples\",status=\"200\"} 2",
                    "phaseflow_shadow_delta_mean", "jvm_memory_used_bytes")) {
                assertTrue(metrics.contains(series), "/metrics has " + series);
            }
        } finally {
            serving.shutdown();
        }
    }
}
