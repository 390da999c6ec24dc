package dev.phaseflow.loadtest.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.data.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The real zoo classifier as the feature extractor, on a few hundred shipped held-out images. */
class ZooClassifierQualityTest {

    @Test
    void realImagesScoreFarBetterThanNoise() throws Exception {
        Path zooFolder = ModelZoo.defaultFolder();
        assumeTrue(Files.isDirectory(zooFolder.resolve(Datasets.SHIPPED_HELDOUT)), "no zoo at " + zooFolder);
        try (ModelZoo zoo = ModelZoo.open(zooFolder)) {
            assumeTrue(!zoo.byRole(ModelRole.CLASSIFIER).isEmpty(), "the zoo has no classifier");
            ImageBatch heldOut = Datasets.idx(zooFolder.resolve(Datasets.SHIPPED_HELDOUT), "t10k").images();
            FeatureExtractor features = new ClassifierFeatures(zoo.classifier());
            QualityData data = QualityData.of(features, heldOut.slice(0, 400), "shipped held-out 0-399",
                    Optional.of(heldOut.slice(400, 800)), "shipped held-out 400-799", List.of());
            QualityEvaluator evaluator = new QualityEvaluator(data, 2.0);
            assertEquals(128, data.referenceStats().dimension(), "128 penultimate features");

            QualityResult real = evaluator.evaluate("real", heldOut.slice(800, 1000));
            QualityResult copies = evaluator.evaluate("copies", heldOut.slice(400, 600));
            QualityResult noise = evaluator.evaluate("noise", noise(200, new Random(3)));
            System.out.printf("zoo classifier features, 200 images vs 400 held-out: FD real %.2f, noise %.1f; "
                    + "class TV real %.3f, noise %.3f; nearest-train L2 real %.2f%n", real.frechet().value(),
                    noise.frechet().value(), real.classes().totalVariationToUniform(),
                    noise.classes().totalVariationToUniform(), real.nearest().mean());
            assertEquals(10, real.classes().counts().length);
            assertTrue(noise.frechet().value() > 5 * real.frechet().value(), "noise FD " + noise.frechet().value()
                    + " against real FD " + real.frechet().value());
            assertTrue(real.classes().totalVariationToUniform() < noise.classes().totalVariationToUniform(),
                    "real images spread over the classes");
            assertEquals(1.0, copies.nearest().nearCopyFraction(), "training images are their own nearest neighbours");
            assertEquals(0.0, copies.nearest().mean());
            assertTrue(real.nearest().nearCopyFraction() < 0.05, "held-out images are not copies: "
                    + real.nearest().nearCopyFraction());
        }
    }

    private static ImageBatch noise(int n, Random rnd) {
        float[] data = new float[n * 28 * 28];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.max(-1, Math.min(1, rnd.nextGaussian() * 0.5));
        }
        return new ImageBatch(n, 1, 28, 28, data);
    }
}
