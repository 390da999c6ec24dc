package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/samples: the event stream's order and content, previews, the PNG answer, in-band errors. */
class SampleStreamTest {
    static ServerFixture fx;

    @BeforeAll
    static void start() {
        fx = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    /** The reference engine's images for a request, as the PNG bytes the server should send. */
    static List<byte[]> referencePngs(SampleRequest request) {
        try (var direct = new DirectSamplingService(ServerFixture.exact(), 64, ServerFixture.LIMITS, 1)) {
            return direct.sample(request).ofType(SampleEvent.Image.class).map(i -> Png.encode(i.pixels(), 0))
                    .collectList().block(Duration.ofSeconds(30));
        }
    }

    static BufferedImage png(String base64) throws IOException {
        return png(Base64.getDecoder().decode(base64));
    }

    static BufferedImage png(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertTrue(image != null, "a readable PNG");
        return image;
    }

    @Test
    void streamsStartedThenEveryStepThenEveryImageThenCompleted() throws IOException {
        HttpResponse<String> res = fx.post("/v1/samples",
                "{\"count\": 2, \"steps\": 12, \"mode\": \"hybrid\", \"seed\": 3, \"preview_every\": 4}");
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<ServerFixture.Sse> events = ServerFixture.events(res.body());
        assertEquals(1 + 12 + 2 + 1, events.size(), "started, 12 steps, 2 images, completed: " + names(events));

        ServerFixture.Sse started = events.get(0);
        assertEquals("started", started.name());
        String id = started.data().get("request_id").asText();
        assertFalse(id.isBlank());
        assertEquals(id, res.headers().firstValue("x-request-id").orElse(""));
        assertEquals(2, started.data().get("request").get("count").asInt());
        assertEquals("hybrid", started.data().get("request").get("mode").asText());
        JsonNode sigmas = started.data().get("sigmas");
        assertEquals(13, sigmas.size());
        assertEquals(0.0, sigmas.get(12).asDouble());
        assertEquals(Set.of("g", "l"), toSet(started.data().get("models")));

        Set<String> routes = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            ServerFixture.Sse step = events.get(1 + i);
            assertEquals("step", step.name());
            JsonNode d = step.data();
            assertEquals(i, d.get("index").asInt());
            assertEquals(sigmas.get(i).asDouble(), d.get("sigma").asDouble(), "step " + i + " starts at sigma_i");
            String route = d.get("route").asText();
            routes.add(route);
            assertEquals(route.equals("global") ? "g" : "l", d.get("model").asText(), "route follows the model's role");
            double sigma = d.get("sigma").asDouble();
            assertEquals(sigma >= 0.5 && sigma < 5 ? "global" : "local", route, "the router plan decides the route");
            boolean previewDue = i % 4 == 0 || i == 11;
            assertEquals(previewDue, d.has("preview"), "preview at step " + i);
            if (previewDue) {
                BufferedImage grid = png(d.get("preview").asText());
                assertEquals(2 * (8 + 1) + 1, grid.getWidth(), "two 8x8 images side by side with 1-pixel gaps");
                assertEquals(8 + 2, grid.getHeight());
            }
        }
        assertEquals(Set.of("local", "global"), routes, "a hybrid run uses both routes");

        List<byte[]> reference = referencePngs(SampleRequest.defaults().withCount(2).withSteps(12).withSeed(3));
        for (int i = 0; i < 2; i++) {
            ServerFixture.Sse image = events.get(13 + i);
            assertEquals("image", image.name());
            assertEquals(i, image.data().get("index").asInt());
            byte[] bytes = Base64.getDecoder().decode(image.data().get("png").asText());
            assertEquals(8, png(bytes).getWidth());
            assertArrayEquals(reference.get(i), bytes, "image " + i + " is the reference engine's image");
        }

        ServerFixture.Sse completed = events.get(15);
        assertEquals("completed", completed.name());
        JsonNode c = completed.data();
        assertEquals(2, c.get("images").asInt());
        long byRoute = c.get("evaluations_by_route").get("local").asLong() + c.get("evaluations_by_route").get("global").asLong();
        long byModel = c.get("evaluations_by_model").path("g").asLong() + c.get("evaluations_by_model").path("l").asLong();
        assertEquals(12, byRoute, "Euler: one evaluation per step");
        assertEquals(12, byModel);
        assertTrue(c.get("wall_seconds").asDouble() > 0);
    }

    @Test
    void heunStepsListBothEvaluationsAndNoPreviewsUnlessAsked() {
        HttpResponse<String> res = fx.post("/v1/samples", "{\"steps\": 6, \"solver\": \"heun\", \"mode\": \"global\"}");
        List<ServerFixture.Sse> events = ServerFixture.events(res.body());
        List<ServerFixture.Sse> steps = events.stream().filter(e -> e.name().equals("step")).toList();
        assertEquals(6, steps.size());
        for (ServerFixture.Sse s : steps.subList(0, 5)) {
            assertEquals(2, s.data().get("models").size(), "Heun evaluates twice per step (but the last)");
            assertFalse(s.data().has("preview"));
        }
        assertEquals("completed", events.get(events.size() - 1).name());
    }

    @Test
    void anEmptyBodyTakesEveryDefault() {
        List<ServerFixture.Sse> events = ServerFixture.events(fx.post("/v1/samples", "").body());
        JsonNode request = events.get(0).data().get("request");
        SampleRequest d = SampleRequest.defaults();
        assertEquals(d.count(), request.get("count").asInt());
        assertEquals(d.steps(), request.get("steps").asInt());
        assertEquals(d.solver(), request.get("solver").asText());
        assertEquals(d.mode().id(), request.get("mode").asText());
        assertEquals(d.steps() + 3, events.size());
    }

    @Test
    void anEmptyJsonBodyIsRefusedWhileEmptyBracesTakeEveryDefault() {
        HttpResponse<String> empty = fx.post("/v1/samples", "", "Content-Type", "application/json");
        assertEquals(400, empty.statusCode(), empty.body());
        JsonNode error = ServerFixture.json(empty.body());
        assertEquals("malformed_json", error.get("error").asText());
        assertTrue(error.get("message").asText().contains("empty"), empty.body());
        HttpResponse<String> blank = fx.post("/v1/samples", " \n", "Content-Type", "application/json; charset=utf-8");
        assertEquals(400, blank.statusCode(), blank.body());

        HttpResponse<String> braces = fx.post("/v1/samples", "{}", "Content-Type", "application/json");
        assertEquals(200, braces.statusCode(), braces.body());
        List<ServerFixture.Sse> events = ServerFixture.events(braces.body());
        assertEquals(SampleRequest.defaults().steps(), events.get(0).data().get("request").get("steps").asInt());
        assertEquals("completed", events.get(events.size() - 1).name());
    }

    @Test
    void acceptImagePngAnswersWithTheImageItself() throws IOException {
        HttpResponse<byte[]> res = fx.postForBytes("/v1/samples", "{\"seed\": 5, \"steps\": 10, \"mode\": \"swapped\", \"preview_every\": 1}",
                "Accept", "image/png");
        assertEquals(200, res.statusCode());
        assertEquals("image/png", res.headers().firstValue("content-type").orElse(""));
        assertTrue(res.headers().firstValue("x-request-id").isPresent());
        BufferedImage image = png(res.body());
        assertEquals(8, image.getWidth());
        assertEquals(8, image.getHeight());
        assertArrayEquals(referencePngs(SampleRequest.defaults().withSeed(5).withSteps(10).withMode(Mode.SWAPPED)).get(0), res.body());
    }

    @Test
    void aModelThatFailsMidStreamEndsItWithAnErrorEvent() {
        Denoiser broken = new Denoiser() {
            public String name() { return "l"; }
            public ModelRole role() { return ModelRole.LOCAL; }
            public ImageBatch denoise(ImageBatch x, double[] sigma) {
                throw new IllegalStateException("the local model is broken");
            }
        };
        try (var failing = ServerFixture.start(ServerFixture.models(ServerFixture.DATA.denoiser("g", ModelRole.GLOBAL), broken),
                ServerFixture.smallEngine().withMaxRetries(0), b -> {})) {
            HttpResponse<String> res = failing.post("/v1/samples", "{\"steps\": 8, \"mode\": \"local\"}");
            assertEquals(200, res.statusCode(), "the stream had started when the model failed");
            List<ServerFixture.Sse> events = ServerFixture.events(res.body());
            assertEquals("started", events.get(0).name());
            ServerFixture.Sse last = events.get(events.size() - 1);
            assertEquals("error", last.name(), names(events));
            assertEquals("sampling_failed", last.data().get("error").asText());
            assertTrue(last.data().get("message").asText().contains("'l'"), last.data().toString());
            assertFalse(names(events).contains("completed"));
            // the same server still serves requests that avoid the broken model
            List<ServerFixture.Sse> ok = ServerFixture.events(failing.post("/v1/samples", "{\"steps\": 4, \"mode\": \"global\"}").body());
            assertEquals("completed", ok.get(ok.size() - 1).name());
            assertEquals(0, failing.engine.inFlight());
        }
    }

    @Test
    void anOverloadedEngineAnswers503WithAJsonError() {
        EngineConfig tight = ServerFixture.smallEngine().withAdmission(4, 10);
        try (var small = ServerFixture.start(ServerFixture.exact(), tight, b -> {})) {
            HttpResponse<String> res = small.post("/v1/samples", "{\"count\": 11}");
            assertEquals(503, res.statusCode(), res.body());
            JsonNode body = ServerFixture.json(res.body());
            assertEquals("overloaded", body.get("error").asText());
            assertTrue(body.get("message").asText().startsWith("overloaded"), body.toString());
            assertEquals("1", res.headers().firstValue("retry-after").orElse(""));
            assertEquals(200, small.post("/v1/samples", "{\"count\": 10, \"steps\": 3}").statusCode(), "a request that fits runs");
        }
    }

    static String names(List<ServerFixture.Sse> events) {
        return events.stream().map(ServerFixture.Sse::name).toList().toString();
    }

    static Set<String> toSet(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
