package dev.phaseflow.loadtest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.loadtest.ErrorKinds;
import dev.phaseflow.loadtest.RequestOutcome;
import dev.phaseflow.loadtest.RequestRunner;
import dev.phaseflow.loadtest.Ticker;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SSE client against a fake phaseflow server on loopback. */
class RemoteSamplingServiceTest {
    static final TwoGaussianMixture DATA = new TwoGaussianMixture(6, 6, 3.0, 0.3);

    static ModelSet models() {
        var exact = DATA.exactDenoiser();
        var local = DATA.localDenoiser(1);
        RouterPlan plan = new RouterPlan(exact.name(), local.name(), 1, 8, List.of(new RouterPlan.Interval(0, 1, local.name()),
                new RouterPlan.Interval(1, Double.POSITIVE_INFINITY, exact.name())),
                null);
        return new ModelSet(Map.of(exact.name(), exact, local.name(), local), plan, 0.01, 40, 1, 6, 6);
    }

    @Test
    void streamsTheSameEventsAsTheServiceBehindTheServer() throws Exception {
        SampleRequest request = SampleRequest.defaults().withMode(Mode.HYBRID).withSteps(5).withCount(3).withSeed(42);
        try (var direct = new DirectSamplingService(models(), 8, SampleRequest.Limits.defaults(), 1);
             var server = FakeSseServer.serving(direct)) {
            List<SampleEvent> expected = direct.sample(request).collectList().block();
            List<SampleEvent> got = new RemoteSamplingService(server.url() + "/", Duration.ofSeconds(30)).sample(request)
                    .collectList().block(Duration.ofSeconds(30));

            JsonNode body = FakeSseServer.JSON.readTree(server.bodies.get(0));
            assertEquals(3, body.get("count").asInt());
            assertEquals(5, body.get("steps").asInt());
            assertEquals("euler", body.get("solver").asText());
            assertEquals("karras", body.get("schedule").asText());
            assertEquals("hybrid", body.get("mode").asText());
            assertEquals(42, body.get("seed").asLong());

            assertEquals(expected.size(), got.size(), "one event per event");
            SampleEvent.Started started = assertInstanceOf(SampleEvent.Started.class, got.get(0));
            assertEquals(request, started.request());
            for (SampleEvent e : got) {
                assertEquals(started.requestId(), e.requestId(), "every event carries the server's request id");
            }
            for (int i = 1; i <= 5; i++) {
                SampleEvent.Step a = (SampleEvent.Step) expected.get(i);
                SampleEvent.Step b = assertInstanceOf(SampleEvent.Step.class, got.get(i));
                assertEquals(a.index(), b.index());
                assertEquals(a.sigma(), b.sigma());
                assertEquals(a.route(), b.route());
                assertEquals(a.model(), b.model());
            }
            for (int i = 6; i < 9; i++) {
                ImageBatch a = ((SampleEvent.Image) expected.get(i)).pixels();
                ImageBatch b = assertInstanceOf(SampleEvent.Image.class, got.get(i)).pixels();
                assertEquals(a.shapeString(), b.shapeString());
                for (int k = 0; k < a.data().length; k++) {
                    assertEquals(Png.toByte(a.data()[k]), Png.toByte(b.data()[k]), "pixel " + k + " of image " + (i - 6));
                }
            }
            SampleEvent.Completed a = (SampleEvent.Completed) expected.get(9);
            SampleEvent.Completed b = assertInstanceOf(SampleEvent.Completed.class, got.get(9));
            assertEquals(a.images(), b.images());
            assertEquals(a.evaluationsByRoute(), b.evaluationsByRoute());
            assertEquals(a.evaluationsByModel(), b.evaluationsByModel());
            assertTrue(b.evaluationsByRoute().get(Route.LOCAL) > 0 && b.evaluationsByRoute().get(Route.GLOBAL) > 0,
                    "both routes were used: " + b.evaluationsByRoute());
        }
    }

    @Test
    void anErrorEventFailsTheStreamWithTheServersKind() throws Exception {
        try (var server = new FakeSseServer((body, exchange) -> {
            FakeSseServer.startStream(exchange);
            FakeSseServer.write(exchange.getResponseBody(), "started", "{\"request_id\": \"r1\"}");
            FakeSseServer.write(exchange.getResponseBody(), "error", "{\"kind\": \"Overloaded\", \"message\": \"queue full\"}");
        })) {
            RemoteSamplingException e = assertThrows(RemoteSamplingException.class, () -> remote(server)
                    .sample(SampleRequest.defaults()).collectList().block(Duration.ofSeconds(30)));
            assertEquals("overloaded", e.kind());
            assertEquals("overloaded: queue full", e.getMessage());
            assertEquals(ErrorKinds.OVERLOADED, ErrorKinds.of(e));
        }
    }

    @Test
    void refusedRequestsMapTheStatusToAKind() throws Exception {
        int[] status = {503};
        try (var server = new FakeSseServer((body, exchange) -> {
            byte[] text = "{\"error\": \"busy\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status[0], text.length);
            exchange.getResponseBody().write(text);
        })) {
            RemoteSamplingException e = assertThrows(RemoteSamplingException.class, () -> remote(server)
                    .sample(SampleRequest.defaults()).blockLast(Duration.ofSeconds(30)));
            assertEquals("overloaded", e.kind());
            assertEquals("overloaded: HTTP 503: {\"error\": \"busy\"}", e.getMessage());
            status[0] = 500;
            e = assertThrows(RemoteSamplingException.class, () -> remote(server).sample(SampleRequest.defaults())
                    .blockLast(Duration.ofSeconds(30)));
            assertEquals("http_500", e.kind());
        }
    }

    @Test
    void aStreamThatEndsEarlyOrNeverEndsBecomesAFailedOutcome() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var server = new FakeSseServer((body, exchange) -> {
            FakeSseServer.startStream(exchange);
            FakeSseServer.write(exchange.getResponseBody(), "started", "{}");
            if (FakeSseServer.parse(body).seed() == 1) {
                try {
                    release.await(30, TimeUnit.SECONDS); // hangs until the test ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        })) {
            RequestRunner patient = new RequestRunner(remote(server), Ticker.SYSTEM, Duration.ofSeconds(30));
            RequestOutcome ended = patient.run(SampleRequest.defaults().withSeed(0), 0, RequestRunner.NOW, Long.MAX_VALUE,
                    RequestRunner.Keep.NOTHING).block();
            assertEquals(ErrorKinds.INCOMPLETE, ended.errorKind(), ended.errorMessage());
            assertTrue(ended.firstEventNanos() >= 0, "the started event arrived");
            RequestRunner runner = new RequestRunner(remote(server), Ticker.SYSTEM, Duration.ofMillis(300));
            RequestOutcome hung = runner.run(SampleRequest.defaults().withSeed(1), 1, RequestRunner.NOW, Long.MAX_VALUE,
                    RequestRunner.Keep.NOTHING).block();
            assertEquals(ErrorKinds.TIMEOUT, hung.errorKind(), hung.errorMessage());
            assertEquals("no completion within 300 ms", hung.errorMessage());
        } finally {
            release.countDown();
        }
    }

    @Test
    void malformedEventsFailClearly() throws Exception {
        try (var server = new FakeSseServer((body, exchange) -> {
            FakeSseServer.startStream(exchange);
            FakeSseServer.write(exchange.getResponseBody(), "step", "{\"index\": 0, \"route\": \"sideways\"}");
        })) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> remote(server)
                    .sample(SampleRequest.defaults()).blockLast(Duration.ofSeconds(30)));
            assertEquals("server event 'step': unknown route 'sideways' (expected local or global)", e.getMessage());
        }
    }

    @Test
    void aClosedPortIsAConnectionError() throws Exception {
        String url;
        try (var server = new FakeSseServer((body, exchange) -> { })) {
            url = server.url();
        }
        RequestRunner runner = new RequestRunner(new RemoteSamplingService(url, Duration.ofSeconds(10)), Ticker.SYSTEM,
                Duration.ofSeconds(30));
        RequestOutcome o = runner.run(SampleRequest.defaults(), 0, RequestRunner.NOW, Long.MAX_VALUE,
                RequestRunner.Keep.NOTHING).block();
        assertEquals(ErrorKinds.CONNECTION, o.errorKind(), o.errorMessage());
    }

    private static RemoteSamplingService remote(FakeSseServer server) {
        return new RemoteSamplingService(server.url(), Duration.ofSeconds(30));
    }
}
