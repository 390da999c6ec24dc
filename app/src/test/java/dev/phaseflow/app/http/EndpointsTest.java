package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The small endpoints: models, health, readiness, metrics, the viewer's files and the API description. */
class EndpointsTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() {
        fx = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void modelsListsTheModelSetAndItsRouterPlan() {
        HttpResponse<String> res = fx.get("/v1/models");
        assertEquals(200, res.statusCode());
        assertEquals("application/json", res.headers().firstValue("content-type").orElse(""));
        JsonNode body = ServerFixture.json(res.body());
        Map<String, String> roles = new HashMap<>();
        body.get("models").forEach(m -> {
            roles.put(m.get("name").asText(), m.get("role").asText());
            assertTrue(m.get("served").asBoolean());
        });
        assertEquals(Map.of("g", "global", "l", "local"), roles);
        assertEquals("g", body.get("router").get("global_model").asText());
        assertEquals(0.5, body.get("router").get("window").get("sigma_lo").asDouble());
        assertEquals(8, body.get("image").get("height").asInt());
    }

    @Test
    void healthAndReadiness() {
        HttpResponse<String> health = fx.get("/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", ServerFixture.json(health.body()).get("status").asText());
        HttpResponse<String> ready = fx.get("/readyz?verbose=1");
        assertEquals(200, ready.statusCode(), "the query string does not change the path");
        assertEquals("ready", ServerFixture.json(ready.body()).get("status").asText());
    }

    @Test
    void metricsCountRequestsByEndpointAndStatus() {
        fx.get("/healthz");
        fx.get("/no-such-page");
        fx.post("/v1/samples", "{\"count\": 0}");
        HttpResponse<String> res = fx.get("/metrics");
        assertEquals(200, res.statusCode());
        assertEquals(RequestCounters.CONTENT_TYPE, res.headers().firstValue("content-type").orElse(""));
        String page = res.body();
        assertTrue(counter(page, "/healthz", 200) >= 1, page);
        assertTrue(counter(page, "unmatched", 404) >= 1, page);
        assertTrue(counter(page, "/v1/samples", 400) >= 1, page);
        assertTrue(page.contains("# TYPE phaseflow_http_requests_total counter"), page);
        assertTrue(page.contains("\nphaseflow_http_requests_active "), page);
        // every sample line is "name{labels} value" or "name value": a valid text exposition
        for (String line : page.split("\n")) {
            assertTrue(line.startsWith("# ") || line.matches("[a-z_]+(\\{[^}]*})? [0-9.eE+-]+"), "exposition line: " + line);
        }
    }

    static long counter(String page, String endpoint, int status) {
        Matcher m = Pattern.compile("phaseflow_http_requests_total\\{endpoint=\"" + Pattern.quote(endpoint) + "\",status=\""
                + status + "\"} (\\d+)").matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void aPluggedInMetricsEndpointIsServedInstead() throws InterruptedException {
        MetricsEndpoint registry = new MetricsEndpoint() {
            public String contentType() {
                return "text/plain; version=0.0.4; charset=utf-8";
            }

            public byte[] scrape() {
                return "# TYPE phaseflow_test_total counter\nphaseflow_test_total 42\n".getBytes(StandardCharsets.UTF_8);
            }
        };
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpObserver observer = new HttpObserver() {
            @Override
            public void requestFinished(String endpoint, String method, int status, long nanos) {
                seen.add(method + " " + endpoint + " " + status);
            }
        };
        try (var custom = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(),
                b -> b.metrics(registry).observer(observer))) {
            HttpResponse<String> res = custom.get("/metrics");
            assertEquals(200, res.statusCode());
            assertTrue(res.body().contains("phaseflow_test_total 42"), res.body());
            // the observer hears of a response as it ends, which may be just after the client has it
            assertTrue(ServerFixture.eventually(() -> seen.contains("GET /metrics 200"), java.time.Duration.ofSeconds(10)),
                    seen.toString());
        }
    }

    @Test
    void theViewerIsServedWithoutExternalResources() {
        HttpResponse<String> page = fx.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"viewer.js\"></script>"));
        assertTrue(page.body().contains("id=\"run-form\""));
        HttpResponse<String> js = fx.get("/viewer.js");
        assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        assertTrue(js.body().contains("getReader()"), "reads the stream with fetch, since EventSource cannot POST");
        assertTrue(fx.get("/viewer.css").headers().firstValue("content-type").orElse("").startsWith("text/css"));
        for (String file : new String[] {page.body(), js.body(), fx.get("/viewer.css").body()}) {
            assertTrue(!file.contains("http://") && !file.contains("https://") && !file.contains("//cdn"),
                    "no external resources");
        }
    }

    @Test
    void theApiDescriptionCoversEveryEndpointAndRequestField() throws IOException {
        String yaml = Files.readString(Path.of("openapi.yaml"));
        assertEquals(yaml, fx.get("/openapi.yaml").body(), "the server serves the file in the repository");
        assertTrue(yaml.startsWith("openapi: 3."));
        String paths = section(yaml, "paths:", "components:");
        for (String path : new String[] {"/v1/samples", "/v1/models", "/healthz", "/readyz", "/metrics", "/", "/openapi.yaml"}) {
            assertTrue(paths.contains("\n  " + path + ":\n"), "path " + path + " is described");
        }
        assertTrue(paths.contains("  /v1/samples:\n    post:"));
        for (String code : new String[] {"'400'", "'401'", "'413'", "'503'"}) {
            assertTrue(section(paths, "  /v1/samples:", "  /v1/models:").contains(code), "POST /v1/samples documents " + code);
        }
        String request = section(yaml, "    SampleRequest:", "    StartedEvent:");
        for (String field : SampleRequestJson.FIELDS) {
            assertTrue(request.contains("\n        " + field + ":"), "request field " + field + " is described");
        }
        assertTrue(request.contains("additionalProperties: false"), "unknown fields are rejected");
        for (String error : new String[] {"invalid_request", "malformed_json", "payload_too_large", "unauthorized", "not_found",
                "method_not_allowed", "overloaded", "shutting_down", "not_ready", "sampling_failed"}) {
            assertTrue(yaml.contains(error), "error code " + error + " is described");
        }
        assertTrue(!yaml.contains("\t"), "YAML has no tabs");
    }

    static String section(String text, String from, String to) {
        int a = text.indexOf(from);
        int b = text.indexOf(to, a + from.length());
        assertTrue(a >= 0 && b > a, "section " + from + " .. " + to);
        return text.substring(a, b);
    }
}
