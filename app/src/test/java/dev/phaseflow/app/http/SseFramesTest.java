package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.phaseflow.loadtest.http.RemoteSamplingException;
import dev.phaseflow.loadtest.http.SseEvent;
import dev.phaseflow.loadtest.http.WireFormat;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.ModelTier;
import dev.phaseflow.pipeline.routing.Route;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The server's frames are the bytes the hand-written SseFrames sent before the api records (each
 * expected frame was printed by that code), and the load-test client reads them back to the events.
 */
class SseFramesTest {
    static final ImageBatch IMAGE = new ImageBatch(1, 1, 2, 2, new float[] {-1f, 0f, 0.5f, 1f});
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4XmNgaGDY/x8ABIMCP2k2knUAAAAASUVORK5CYII=";
    static final SampleRequest REQUEST = SampleRequest.defaults().withCount(2).withSteps(3).withSeed(7).withPreviewEvery(2);

    @Test
    void startedIsTodaysFrameAndReadsBack() {
        SampleEvent.Started started = new SampleEvent.Started("r-1", REQUEST, new double[] {80.0, 1.5, 0.002, 0.0},
                List.of("global-unet", "local-r4"), List.of(new ModelTier("global-unet", Route.GLOBAL, 1.0, "full"),
                        ModelTier.of("local-r4", Route.LOCAL, 0.12221), ModelTier.of("gaussian", Route.GLOBAL, Double.NaN)));
        String frame = SseFrames.encode(started);
        assertEquals("event: started\ndata: {\"request_id\":\"r-1\",\"request\":{\"count\":2,\"steps\":3,\"solver\":\"euler\","
                + "\"schedule\":\"karras\",\"mode\":\"hybrid\",\"seed\":7,\"preview_every\":2,\"eta\":1.0},\"sigmas\":[80.0,1.5,0.002,"
                + "0.0],\"models\":[\"global-unet\",\"local-r4\"],\"model_tiers\":[{\"model\":\"global-unet\",\"route\":\"global\","
                + "\"tier\":\"full\",\"relative_cost\":1.0},{\"model\":\"local-r4\",\"route\":\"local\",\"tier\":\"small\","
                + "\"relative_cost\":0.12221},{\"model\":\"gaussian\",\"route\":\"global\",\"tier\":\"unmeasured\"}]}\n\n", frame);
        SampleEvent.Started back = (SampleEvent.Started) read(frame, "");
        assertEquals("r-1", back.requestId());
        assertEquals(REQUEST, back.request());
        assertArrayEquals(started.sigmas(), back.sigmas());
        assertEquals(started.models(), back.models());
        assertEquals(started.tiers().subList(0, 2), back.tiers().subList(0, 2));
        assertEquals(Double.NaN, back.tiers().get(2).relativeCost());
        assertEquals("unmeasured", back.tiers().get(2).tier());
    }

    @Test
    void stepsAreTodaysFramesWithPreviewAndDeltaOnlyWhenKnown() {
        SampleEvent.Step plain = new SampleEvent.Step("r-1", 0, 80.0, Route.GLOBAL, "global-unet", List.of("global-unet"),
                Optional.empty());
        String frame = SseFrames.encode(plain, s -> Double.NaN);
        assertEquals("event: step\ndata: {\"index\":0,\"sigma\":80.0,\"route\":\"global\",\"model\":\"global-unet\","
                + "\"models\":[\"global-unet\"]}\n\n", frame);
        assertEquals(plain, read(frame, "r-1"));

        SampleEvent.Step preview = new SampleEvent.Step("r-1", 2, 0.002, Route.LOCAL, "local-r4", List.of("local-r4", "local-r4"),
                Optional.of(IMAGE));
        assertEquals("event: step\ndata: {\"index\":2,\"sigma\":0.002,\"route\":\"local\",\"model\":\"local-r4\",\"models\":"
                + "[\"local-r4\",\"local-r4\"],\"preview\":\"" + PNG + "\",\"delta\":0.0123}\n\n", SseFrames.encode(preview, s -> 0.0123));
    }

    @Test
    void imagesAndCompletionAreTodaysFramesAndReadBack() {
        String image = SseFrames.encode(new SampleEvent.Image("r-1", 0, IMAGE));
        assertEquals("event: image\ndata: {\"index\":0,\"png\":\"" + PNG + "\"}\n\n", image);
        SampleEvent.Image back = (SampleEvent.Image) read(image, "r-1");
        assertEquals(IMAGE.shapeString(), back.pixels().shapeString());

        Map<Route, Long> byRoute = new EnumMap<>(Route.class);
        byRoute.put(Route.LOCAL, 2L);
        byRoute.put(Route.GLOBAL, 4L);
        Map<String, Long> byModel = new LinkedHashMap<>();
        byModel.put("local-r4", 2L);
        byModel.put("global-unet", 4L);
        SampleEvent.Completed completed = new SampleEvent.Completed("r-1", 2, byRoute, byModel, 1234567890L);
        String frame = SseFrames.encode(completed);
        assertEquals("event: completed\ndata: {\"images\":2,\"evaluations_by_route\":{\"local\":2,\"global\":4},"
                + "\"evaluations_by_model\":{\"global-unet\":4,\"local-r4\":2},\"wall_seconds\":1.23456789}\n\n", frame);
        assertEquals(completed, read(frame, "r-1"));
    }

    @Test
    void errorsAreTodaysFramesAndFailTheClientWithTheirCode() {
        String failed = SseFrames.error(new ApiException(500, "sampling_failed", "model 'x' failed"));
        assertEquals("event: error\ndata: {\"error\":\"sampling_failed\",\"message\":\"model 'x' failed\"}\n\n", failed);
        RemoteSamplingException e = assertThrows(RemoteSamplingException.class, () -> read(failed, "r-1"));
        assertEquals("sampling_failed: model 'x' failed", e.getMessage());
        assertEquals("event: error\ndata: {\"error\":\"invalid_request\",\"message\":\"count must be between 1 and 256, got 0\","
                + "\"field\":\"count\"}\n\n", SseFrames.error(ApiException.invalidField("count", "count must be between 1 and 256, got 0")));
    }

    /** The client's reading of one frame. */
    private static SampleEvent read(String frame, String requestId) {
        String[] lines = frame.split("\n");
        SseEvent e = new SseEvent(lines[0].substring("event: ".length()), lines[1].substring("data: ".length()));
        return WireFormat.toSampleEvent(e, REQUEST, requestId).orElseThrow();
    }
}
