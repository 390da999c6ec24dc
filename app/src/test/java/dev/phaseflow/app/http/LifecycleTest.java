package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What happens around a request: the client leaving, the server draining, the token. */
class LifecycleTest {
    static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aClientThatDisconnectsCancelsItsRequest() throws Exception {
        var global = new GatedDenoiser(ServerFixture.DATA.denoiser("g", ModelRole.GLOBAL), 3);
        try (var fx = ServerFixture.start(ServerFixture.models(global, ServerFixture.DATA.denoiser("l", ModelRole.LOCAL)),
                ServerFixture.smallEngine(), b -> {})) {
            try {
                String body = "{\"mode\": \"global\", \"steps\": 50}";
                int steps = 0;
                try (Socket socket = new Socket("127.0.0.1", fx.server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/samples HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                    assertTrue(in.readLine().startsWith("HTTP/1.1 200"));
                    // three model calls go through, then the model blocks: the request is in flight
                    for (String line; steps < 3 && (line = in.readLine()) != null; ) {
                        if (line.equals("event: step")) {
                            steps++;
                        }
                    }
                    assertEquals(3, steps);
                    assertEquals(1, fx.engine.inFlight());
                }
                assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 0, PATIENCE),
                        "the closed connection cancelled the request: in flight " + fx.engine.inFlight());
                assertTrue(ServerFixture.eventually(() -> fx.server.counters().count("/v1/samples", 499) == 1, PATIENCE),
                        () -> "counted as closed by the client: " + new String(fx.server.counters().scrape()));
            } finally {
                global.release(1_000);
            }
            // the engine and server are fine afterwards
            var events = ServerFixture.events(fx.post("/v1/samples", "{\"steps\": 4}").body());
            assertEquals("completed", events.get(events.size() - 1).name());
        }
    }

    @Test
    void aClientThatDisconnectsWhileWaitingForItsPngCancelsItsRequest() throws Exception {
        var global = new GatedDenoiser(ServerFixture.DATA.denoiser("g", ModelRole.GLOBAL), 3);
        try (var fx = ServerFixture.start(ServerFixture.models(global, ServerFixture.DATA.denoiser("l", ModelRole.LOCAL)),
                ServerFixture.smallEngine(), b -> {})) {
            try {
                String body = "{\"mode\": \"global\", \"steps\": 50}";
                try (Socket socket = new Socket("127.0.0.1", fx.server.port())) {
                    socket.getOutputStream().write(("POST /v1/samples HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: image/png\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    // the model has taken its three calls and blocks: nothing has been answered yet
                    assertTrue(ServerFixture.eventually(() -> global.calls.get() == 3 && fx.engine.inFlight() == 1, PATIENCE));
                }
                assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 0, PATIENCE),
                        "the closed connection cancelled the request: in flight " + fx.engine.inFlight());
                assertTrue(ServerFixture.eventually(() -> fx.server.counters().count("/v1/samples", 499) == 1, PATIENCE),
                        () -> "counted as closed by the client: " + new String(fx.server.counters().scrape()));
            } finally {
                global.release(1_000);
            }
        }
    }

    @Test
    void drainingFailsReadinessRefusesNewWorkAndLetsRunningRequestsFinish() throws Exception {
        var global = new GatedDenoiser(ServerFixture.DATA.denoiser("g", ModelRole.GLOBAL), 2);
        var fx = ServerFixture.start(ServerFixture.models(global, ServerFixture.DATA.denoiser("l", ModelRole.LOCAL)),
                ServerFixture.smallEngine(), b -> {});
        Thread shutdown = new Thread(() -> fx.server.shutdown(fx.engine, Duration.ofSeconds(10)), "test-shutdown");
        try {
            assertEquals(200, fx.get("/readyz").statusCode(), "ready once the engine is up");
            CompletableFuture<HttpResponse<String>> running = fx.http.sendAsync(
                    fx.request("/v1/samples").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"mode\": \"global\", \"steps\": 6}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 1 && global.calls.get() == 2, PATIENCE));

            shutdown.start();
            assertTrue(ServerFixture.eventually(() -> fx.server.state() == PhaseflowServer.State.DRAINING, PATIENCE));
            HttpResponse<String> ready = fx.get("/readyz");
            assertEquals(503, ready.statusCode());
            assertEquals("not_ready", ServerFixture.json(ready.body()).get("error").asText());
            assertEquals(200, fx.get("/healthz").statusCode(), "alive while draining");
            HttpResponse<String> refused = fx.post("/v1/samples", "{}");
            assertEquals(503, refused.statusCode());
            assertEquals("shutting_down", ServerFixture.json(refused.body()).get("error").asText());
            assertTrue(shutdown.isAlive(), "shutdown waits for the running request");

            global.release(1_000);
            var events = ServerFixture.events(running.get().body());
            assertEquals("completed", events.get(events.size() - 1).name(), "the running request finished during the drain");
            shutdown.join(PATIENCE.toMillis());
            assertEquals(PhaseflowServer.State.STOPPED, fx.server.state());
            assertEquals(0, fx.engine.inFlight());
        } finally {
            global.release(1_000);
            shutdown.join(PATIENCE.toMillis());
            fx.close();
        }
    }

    @Test
    void withATokenEveryEndpointButHealthAndTheViewerNeedsIt() {
        try (var fx = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(), b -> b.token("s3cret"))) {
            assertEquals(200, fx.get("/healthz").statusCode());
            assertEquals(200, fx.get("/").statusCode(), "the viewer page carries no data");
            assertEquals(200, fx.get("/viewer.js").statusCode());
            for (String path : new String[] {"/readyz", "/v1/models", "/metrics"}) {
                HttpResponse<String> none = fx.get(path);
                assertEquals(401, none.statusCode(), path);
                BadRequestTest.assertJsonError(none, "unauthorized", null, "Bearer");
                assertTrue(none.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
                assertEquals(401, fx.get(path, "Authorization", "Bearer wrong").statusCode(), path);
                assertEquals(401, fx.get(path, "Authorization", "Basic czNjcmV0").statusCode(), path);
                assertEquals(200, fx.get(path, "Authorization", "Bearer s3cret").statusCode(), path);
            }
            assertEquals(401, fx.post("/v1/samples", "{\"steps\": 3}").statusCode());
            HttpResponse<String> ok = fx.post("/v1/samples", "{\"steps\": 3}", "Authorization", "bearer s3cret");
            assertEquals(200, ok.statusCode(), "the scheme is case-insensitive");
            var events = ServerFixture.events(ok.body());
            assertEquals("completed", events.get(events.size() - 1).name());
        }
    }
}
