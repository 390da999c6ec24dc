package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.app.http.SseFrames;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.Png;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images of 3x32x32 (the fixture zoo of make_size_fixtures.py) through SSE previews, SSE images and
 * PNG files: colour PNGs of that size holding exactly the sampled pixels.
 */
class Rgb32OutputTest {
    private static final Path ZOO = Path.of("../models/src/test/resources/fixtures/zoo-rgb32");

    @Test
    void previewsImagesAndPngFilesAreColour32x32(@TempDir Path out) throws Exception {
        try (ModelZoo zoo = ModelZoo.open(ZOO, SessionConfig.defaults().withIntraOpThreads(1));
             var service = new DirectSamplingService(ModelSet.fromZoo(zoo, 16), 64, SampleRequest.Limits.defaults(), 1)) {
            List<SampleEvent> events = service.sample(SampleRequest.defaults().withCount(2).withSteps(4).withSeed(5)
                    .withPreviewEvery(2)).collectList().block();
            int previews = 0;
            int images = 0;
            for (SampleEvent e : events) {
                String frame = SseFrames.encode(e);
                JsonNode data = new ObjectMapper().readTree(frame.substring(frame.indexOf("data:") + 5).strip());
                if (e instanceof SampleEvent.Step s && s.preview().isPresent()) {
                    BufferedImage grid = decode(data.get("preview").asText());
                    assertEquals(BufferedImage.TYPE_INT_RGB, Png.grid(s.preview().get(), 2, 1).getType());
                    assertTrue(grid.getWidth() >= 2 * 32 && grid.getHeight() >= 32, grid.getWidth() + "x" + grid.getHeight());
                    previews++;
                }
                if (e instanceof SampleEvent.Image img) {
                    ImageBatch pixels = img.pixels();
                    BufferedImage png = decode(data.get("png").asText());
                    assertEquals(32, png.getWidth());
                    assertEquals(32, png.getHeight());
                    assertPixelsEqual(pixels, png);
                    Path file = out.resolve("img-" + img.index() + ".png");
                    Png.write(pixels, 0, file);
                    assertPixelsEqual(pixels, ImageIO.read(file.toFile()));
                    ImageBatch back = Png.read(file, 3);
                    assertEquals(3, back.channels());
                    images++;
                }
            }
            assertEquals(2, images);
            assertTrue(previews >= 2, previews + " previews");
        }
    }

    private static BufferedImage decode(String base64) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    private static void assertPixelsEqual(ImageBatch pixels, BufferedImage png) {
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int rgb = png.getRGB(x, y);
                int[] got = {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff};
                for (int c = 0; c < 3; c++) {
                    assertEquals(Png.toByte(pixels.get(0, c, y, x)), got[c], "channel " + c + " at " + y + "," + x);
                }
            }
        }
    }
}
