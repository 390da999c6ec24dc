package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, problem 5: admission by the expected queue wait. A model that costs a fixed time per
 * image; requests arrive far faster than it serves them. Once the wait for the admitted work
 * passes the budget, requests get 503 with a Retry-After from the queue, and that Retry-After is
 * within 2x of the wait the last admitted request really had.
 */
class AdmissionByWaitTest {
    static final long NANOS_PER_IMAGE = 2_000_000;

    private record Sent(long nanos, CompletableFuture<HttpResponse<String>> response) {}

    @Test
    void overloadIsRefusedWithARetryAfterNearTheMeasuredWait() throws Exception {
        var config = ServerFixture.smallEngine().withMaxQueueWait(Duration.ofSeconds(2));
        try (var fx = ServerFixture.start(ServerFixture.models(PacedDenoiser.of("g", ModelRole.GLOBAL, 0, NANOS_PER_IMAGE),
                PacedDenoiser.of("l", ModelRole.LOCAL, 0, NANOS_PER_IMAGE)),
                config, b -> {})) {
            String body = "{\"count\": 4, \"steps\": 20, \"mode\": \"global\"}";
            for (int i = 0; i < 4; i++) { // measures the model's cost and the engine's parallelism
                assertEquals(200, fx.post("/v1/samples", body).statusCode());
            }
            List<Sent> admitted = new ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 400 && refused == null; i++) {
                long sent = System.nanoTime();
                CompletableFuture<HttpResponse<String>> f = fx.http.sendAsync(fx.request("/v1/samples")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(20);
                if (f.isDone() && f.get().statusCode() == 503) {
                    refused = f.get();
                } else {
                    admitted.add(new Sent(sent, f));
                }
            }
            assertTrue(refused != null, "some request was refused");
            assertEquals("overloaded", ServerFixture.json(refused.body()).get("error").asText());
            int retryAfter = Integer.parseInt(refused.headers().firstValue("retry-after").orElseThrow());
            Sent last = admitted.get(admitted.size() - 1);
            HttpResponse<String> lastResponse = last.response().get(60, TimeUnit.SECONDS);
            double measured = (System.nanoTime() - last.nanos()) / 1e9; // an upper bound: we only see it when it is done
            for (Sent s : admitted) {
                HttpResponse<String> r = s.response().get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    assertTrue(r.body().contains("event: completed"), "admitted requests complete");
                }
            }
            assertEquals(200, lastResponse.statusCode());
            System.out.printf("admission by wait: %d admitted, Retry-After %d s, the last admitted request took %.2f s (budget 2 s)%n",
                    admitted.size(), retryAfter, measured);
            assertTrue(retryAfter <= 2 * measured && retryAfter >= measured / 2,
                    "Retry-After " + retryAfter + " s against a measured wait of " + measured + " s");
        }
    }
}
