package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Responses finished on other threads (metrics scrape, PNG, event streams, engine failures) leave
 * the keep-alive connection able to take the next requests. Reactor Netty 1.3 can stop reading a
 * connection whose next request arrives while an off-loop response is still terminating
 * (reactor/reactor-netty#4361); without the server's hop back onto the event loop this test
 * hangs within a few rounds.
 */
class KeepAliveTest {

    @Test
    void aKeepAliveConnectionSurvivesResponsesFinishedOffTheEventLoop() {
        Denoiser broken = new Denoiser() {
            public String name() { return "l"; }
            public ModelRole role() { return ModelRole.LOCAL; }
            public ImageBatch denoise(ImageBatch x, double[] sigma) {
                throw new IllegalStateException("broken on purpose");
            }
        };
        try (var fx = ServerFixture.start(ServerFixture.models(ServerFixture.DATA.denoiser("g", ModelRole.GLOBAL), broken),
                ServerFixture.smallEngine().withMaxRetries(0), b -> {})) {
            for (int round = 0; round < 60; round++) {
                expect(fx, 200, fx.request("/metrics").GET());
                expect(fx, 200, fx.request("/healthz").GET());
                expect(fx, 200, fx.request("/healthz").GET());
                expect(fx, 200, fx.request("/v1/samples").header("Accept", "image/png")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"steps\": 2, \"mode\": \"global\"}")));
                expect(fx, 200, fx.request("/healthz").GET());
                expect(fx, 200, fx.request("/readyz").GET());
                expect(fx, 200, fx.request("/v1/samples").POST(HttpRequest.BodyPublishers.ofString("{\"steps\": 2, \"mode\": \"global\"}")));
                expect(fx, 200, fx.request("/healthz").GET());
                expect(fx, 200, fx.request("/v1/models").GET());
                if (round % 10 == 0) {
                    // a failure reported by an engine thread, answered before any header was sent
                    expect(fx, 500, fx.request("/v1/samples").header("Accept", "image/png")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"steps\": 2, \"mode\": \"local\"}")));
                    expect(fx, 200, fx.request("/healthz").GET());
                    expect(fx, 200, fx.request("/healthz").GET());
                }
            }
        }
    }

    private static void expect(ServerFixture fx, int status, HttpRequest.Builder request) {
        // a short timeout: a lost read shows up as a hang, never as a slow answer
        assertEquals(status, fx.send(request.timeout(Duration.ofSeconds(10)).build()).statusCode());
    }
}
