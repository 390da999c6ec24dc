package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a request can be wrong gets a 4xx with a JSON body naming the problem, and the server keeps serving. */
class BadRequestTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() {
        fx = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** body, status, error code, field (null: none), a word the message must contain. */
    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"count\": 0}", 400, "invalid_request", "count", "between 1 and 256"),
                Arguments.of("{\"count\": 257}", 400, "invalid_request", "count", "between 1 and 256"),
                Arguments.of("{\"count\": \"many\"}", 400, "invalid_request", "count", "integer"),
                Arguments.of("{\"count\": 1.5}", 400, "invalid_request", "count", "integer"),
                Arguments.of("{\"count\": 99999999999}", 400, "invalid_request", "count", "integer"),
                Arguments.of("{\"steps\": 0}", 400, "invalid_request", "steps", "between 1 and 1000"),
                Arguments.of("{\"steps\": 1001}", 400, "invalid_request", "steps", "between 1 and 1000"),
                Arguments.of("{\"steps\": [4]}", 400, "invalid_request", "steps", "an array"),
                Arguments.of("{\"solver\": \"rk4\"}", 400, "invalid_request", "solver", "rk4"),
                Arguments.of("{\"solver\": 3}", 400, "invalid_request", "solver", "string"),
                Arguments.of("{\"schedule\": \"cosine\"}", 400, "invalid_request", "schedule", "karras"),
                Arguments.of("{\"mode\": \"fast\"}", 400, "invalid_request", "mode", "hybrid"),
                Arguments.of("{\"mode\": true}", 400, "invalid_request", "mode", "string"),
                Arguments.of("{\"seed\": \"lucky\"}", 400, "invalid_request", "seed", "integer"),
                Arguments.of("{\"preview_every\": -1}", 400, "invalid_request", "preview_every", "negative"),
                Arguments.of("{\"eta\": 2}", 400, "invalid_request", "eta", "[0, 1]"),
                Arguments.of("{\"eta\": \"high\"}", 400, "invalid_request", "eta", "number"),
                Arguments.of("{\"colour\": \"red\"}", 400, "invalid_request", "colour", "unknown field"),
                Arguments.of("{\"previewEvery\": 2}", 400, "invalid_request", "previewEvery", "preview_every"),
                Arguments.of("[1, 2]", 400, "invalid_request", null, "JSON object"),
                Arguments.of("\"count\"", 400, "invalid_request", null, "JSON object"),
                Arguments.of("{\"count\": ", 400, "malformed_json", null, "not valid JSON"),
                Arguments.of("count=4", 400, "malformed_json", null, "not valid JSON"),
                Arguments.of("{\"count\": 1, \"count\": 2}", 400, "malformed_json", null, "count"),
                Arguments.of("{} {}", 400, "malformed_json", null, "not valid JSON"));
    }

    @ParameterizedTest(name = "{0} -> {1} {2} {3}")
    @MethodSource("badBodies")
    void badBodiesAreRejectedNamingTheField(String body, int status, String error, String field, String hint) {
        HttpResponse<String> res = fx.post("/v1/samples", body, "Content-Type", "application/json");
        assertEquals(status, res.statusCode(), res.body());
        assertJsonError(res, error, field, hint);
    }

    static void assertJsonError(HttpResponse<String> res, String error, String field, String hint) {
        assertEquals("application/json", res.headers().firstValue("content-type").orElse(""));
        JsonNode body = ServerFixture.json(res.body());
        assertEquals(error, body.path("error").asText(), res.body());
        assertTrue(body.path("message").asText().contains(hint), "message mentions '" + hint + "': " + res.body());
        if (field == null) {
            assertTrue(!body.has("field"), res.body());
        } else {
            assertEquals(field, body.path("field").asText(), res.body());
        }
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"count\": 1, \"pad\": \"" + "x".repeat(70 * 1024) + "\"}";
        HttpResponse<String> res = fx.post("/v1/samples", big);
        assertEquals(413, res.statusCode());
        assertJsonError(res, "payload_too_large", null, "65536");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413Too() {
        // no Content-Length: the limit is enforced while the body arrives
        byte[] chunk = "x".repeat(8 * 1024).getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            chunks.add(chunk);
        }
        HttpResponse<String> res = fx.send(fx.request("/v1/samples")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(chunks))).build());
        assertEquals(413, res.statusCode());
        assertJsonError(res, "payload_too_large", null, "65536");
    }

    @Test
    void unknownPathsAre404() {
        HttpResponse<String> res = fx.get("/v2/samples");
        assertEquals(404, res.statusCode());
        assertJsonError(res, "not_found", null, "/v2/samples");
        assertEquals(404, fx.post("/v1/samples/extra", "{}").statusCode());
    }

    @Test
    void wrongMethodsAre405WithAllow() {
        HttpResponse<String> res = fx.get("/v1/samples");
        assertEquals(405, res.statusCode());
        assertJsonError(res, "method_not_allowed", null, "POST");
        assertEquals("POST", res.headers().firstValue("allow").orElse(""));
        HttpResponse<String> delete = fx.send(fx.request("/healthz").DELETE().build());
        assertEquals(405, delete.statusCode());
        assertEquals("GET", delete.headers().firstValue("allow").orElse(""));
        assertEquals(405, fx.post("/v1/models", "{}").statusCode());
    }

    @Test
    void pngNeedsACountOfOne() {
        HttpResponse<String> res = fx.post("/v1/samples", "{\"count\": 2}", "Accept", "image/png");
        assertEquals(400, res.statusCode());
        assertJsonError(res, "invalid_request", "count", "count must be 1");
    }

    @Test
    void aBurstOfBadRequestsLeavesTheServerServing() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (Arguments a : badBodies().toList()) {
                burst.add(fx.http.sendAsync(fx.request("/v1/samples").POST(HttpRequest.BodyPublishers.ofString((String) a.get()[0]))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            burst.add(fx.http.sendAsync(fx.request("/nowhere").GET().build(), HttpResponse.BodyHandlers.ofString()));
            burst.add(fx.http.sendAsync(fx.request("/v1/samples").PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : burst) {
            int status = f.get().statusCode();
            assertTrue(status >= 400 && status < 500, "every bad request got a 4xx, not " + status);
        }
        assertEquals(400, rawExchange("THIS IS NOT HTTP\r\n\r\n").startsWith("HTTP/1.1 400") ? 400 : -1,
                "garbage on the wire is a 400, not a crash");
        rawExchange("POST /v1/samples HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"count\":"); // body cut short

        List<ServerFixture.Sse> events = ServerFixture.events(fx.post("/v1/samples", "{\"count\": 2, \"steps\": 5}").body());
        assertEquals("completed", events.get(events.size() - 1).name(), "a good request still runs");
        assertEquals(200, fx.get("/healthz").statusCode());
        assertEquals(0, fx.engine.inFlight(), "no bad request left work behind");
    }

    /** Sends raw bytes, reads what comes back until the server closes or 2 KiB arrived, then hangs up. */
    private String rawExchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fx.server.port())) {
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[2048];
            int n = 0;
            try {
                for (int r; n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0; ) {
                    n += r;
                }
            } catch (java.net.SocketTimeoutException e) {
                // a half-sent request may simply get no answer; the point is what comes after
            }
            return new String(buf, 0, n, StandardCharsets.US_ASCII);
        }
    }
}
