package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.ModelSet;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The server on a real ONNX model of the zoo: the analytic "gaussian" model (always in the zoo),
 * serving as the global model and, under a second name, as the local one. The trained U-Net and
 * local models are not needed.
 */
class ZooServerTest {

    /** The same network under another name and the local role, so the router has two routes. */
    record Renamed(Denoiser inner, String name, ModelRole role) implements Denoiser {
        public ImageBatch denoise(ImageBatch x, double[] sigma) {
            return inner.denoise(x, sigma);
        }
    }

    @Test
    void servesImagesOfTheZoosGaussianModel() throws java.io.IOException {
        Path folder = ModelZoo.defaultFolder();
        Assumptions.assumeTrue(Files.isRegularFile(folder.resolve("gaussian/model.json")), "no gaussian model in " + folder);
        try (ModelZoo zoo = ModelZoo.open(folder)) {
            ModelManifest m = zoo.manifest("gaussian");
            Denoiser gaussian = zoo.denoiser("gaussian");
            ModelSet set = new ModelSet(Map.of("gaussian", gaussian, "gaussian-local", new Renamed(gaussian, "gaussian-local", ModelRole.LOCAL)),
                    ServerFixture.plan("gaussian", "gaussian-local"), m.sigmaMin(), m.sigmaMax(),
                    m.image().channels(), m.image().height(), m.image().width());
            List<ModelManifest> manifests = zoo.manifests();
            try (var fx = ServerFixture.start(set, ServerFixture.smallEngine(), b -> b.catalog(ModelCatalog.of(set, manifests)))) {
                HttpResponse<byte[]> png = fx.postForBytes("/v1/samples", "{\"steps\": 8, \"seed\": 1}", "Accept", "image/png");
                assertEquals(200, png.statusCode());
                BufferedImage image = SampleStreamTest.png(png.body());
                assertEquals(28, image.getWidth());
                assertEquals(28, image.getHeight());

                List<ServerFixture.Sse> events = ServerFixture.events(
                        fx.post("/v1/samples", "{\"count\": 2, \"steps\": 8, \"preview_every\": 4}").body());
                assertEquals("completed", events.get(events.size() - 1).name());
                JsonNode preview = events.get(1).data().get("preview");
                assertEquals(2 * 29 + 1, SampleStreamTest.png(preview.asText()).getWidth());
                JsonNode byRoute = events.get(events.size() - 1).data().get("evaluations_by_route");
                assertTrue(byRoute.get("local").asLong() > 0 && byRoute.get("global").asLong() > 0, byRoute.toString());

                JsonNode catalog = ServerFixture.json(fx.get("/v1/models").body());
                JsonNode gaussianEntry = null;
                boolean classifierListed = false;
                for (JsonNode model : catalog.get("models")) {
                    if (model.get("name").asText().equals("gaussian")) {
                        gaussianEntry = model;
                    }
                    classifierListed |= model.get("role").asText().equals("classifier") && !model.get("served").asBoolean();
                }
                assertTrue(gaussianEntry != null && gaussianEntry.get("served").asBoolean());
                assertEquals("gaussian", gaussianEntry.get("manifest").get("name").asText(), "the zoo's manifest is included");
                assertTrue(classifierListed || zoo.byRole(ModelRole.CLASSIFIER).isEmpty(), "the zoo's other models are listed, not served");
            }
        }
    }
}
