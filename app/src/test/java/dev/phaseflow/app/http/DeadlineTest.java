package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11: a request's "timeout" (and the server's own request timeout) ends a run with an error event. */
class DeadlineTest {

    @Test
    void aRunPastItsTimeoutEndsWithAnErrorEvent() throws InterruptedException {
        try (var fx = ServerFixture.start(ServerFixture.models(PacedDenoiser.of("g", ModelRole.GLOBAL, 5_000_000, 0),
                PacedDenoiser.of("l", ModelRole.LOCAL, 5_000_000, 0)),
                ServerFixture.smallEngine().withRequestTimeout(Duration.ofSeconds(2)), b -> {})) {
            HttpResponse<String> own = fx.post("/v1/samples", "{\"steps\": 1000, \"timeout\": 0.3}");
            assertEquals(200, own.statusCode());
            List<ServerFixture.Sse> events = ServerFixture.events(own.body());
            ServerFixture.Sse last = events.get(events.size() - 1);
            assertEquals("error", last.name());
            assertTrue(last.data().get("message").asText().contains("timeout of 0.3 s"), last.data().toString());

            HttpResponse<String> byDefault = fx.post("/v1/samples", "{\"steps\": 1000}");
            List<ServerFixture.Sse> more = ServerFixture.events(byDefault.body());
            assertEquals("error", more.get(more.size() - 1).name(), "the server's own timeout of 2 s");
            assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 0, Duration.ofSeconds(10)));

            assertTrue(fx.post("/v1/samples", "{\"steps\": 3, \"timeout\": 30}").body().contains("event: completed"));
        }
    }

    @Test
    void aTimeoutMustBePositiveSeconds() {
        try (var fx = ServerFixture.start()) {
            for (String bad : new String[] {"0", "-1", "\"10s\"", "true"}) {
                HttpResponse<String> res = fx.post("/v1/samples", "{\"timeout\": " + bad + "}");
                assertEquals(400, res.statusCode(), bad + ": " + res.body());
                assertEquals("timeout", ServerFixture.json(res.body()).get("field").asText());
            }
        }
    }
}
