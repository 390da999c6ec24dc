package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.phaseflow.loadtest.http.RemoteSamplingService;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load test's SSE client against the real server: the same events, and images identical to the engine's own. */
class RemoteClientTest {

    private static List<ImageBatch> images(List<SampleEvent> events) {
        List<ImageBatch> out = new ArrayList<>();
        events.stream().filter(e -> e instanceof SampleEvent.Image).forEach(e -> out.add(((SampleEvent.Image) e).pixels()));
        return out;
    }

    @Test
    void remoteSamplesMatchTheEngine() {
        try (ServerFixture fixture = ServerFixture.start();
             RemoteSamplingService remote = new RemoteSamplingService("http://127.0.0.1:" + fixture.server.port(),
                     Duration.ofSeconds(30))) {
            SampleRequest request = SampleRequest.defaults().withCount(3).withSteps(10).withMode(Mode.SWAPPED).withSeed(9);
            List<SampleEvent> direct = fixture.engine.sample(request).collectList().block(Duration.ofSeconds(30));
            List<SampleEvent> overHttp = remote.sample(request).collectList().block(Duration.ofSeconds(30));
            assertEquals(direct.size(), overHttp.size(), "one event per event");
            List<ImageBatch> a = images(direct);
            List<ImageBatch> b = images(overHttp);
            assertEquals(3, b.size());
            for (int i = 0; i < a.size(); i++) {
                // PNG is 8-bit: the wire carries the pixels the PNG encoder would write
                float[] expected = a.get(i).data().clone();
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = dev.phaseflow.models.Png.fromByte(dev.phaseflow.models.Png.toByte(expected[k]));
                }
                assertArrayEquals(expected, b.get(i).data(), 1e-6f, "image " + i);
            }
            SampleEvent.Completed c1 = (SampleEvent.Completed) direct.get(direct.size() - 1);
            SampleEvent.Completed c2 = (SampleEvent.Completed) overHttp.get(overHttp.size() - 1);
            assertEquals(c1.evaluationsByRoute(), c2.evaluationsByRoute());
            assertEquals(c1.evaluationsByModel(), c2.evaluationsByModel());
        }
    }
}
