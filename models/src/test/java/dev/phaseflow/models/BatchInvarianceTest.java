package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Same seed, same image whatever the batching rests on this: an image's x0 is bit-identical
 * whether it is denoised alone or inside batches of other images with other sigmas.
 */
class BatchInvarianceTest {
    @ParameterizedTest
    @ValueSource(strings = {"global-unet", "local-r4", "gaussian"})
    void imageResultDoesNotDependOnItsBatch(String name) {
        try (ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder(), SessionConfig.defaults().withIntraOpThreads(2))) {
            Denoiser d = zoo.denoiser(name, 14);
            ImageBatch x = Fixtures.gaussian(37, 1, 28, 28, 3, 1.2f);
            double[] sigma = new double[37];
            for (int i = 0; i < sigma.length; i++) {
                sigma[i] = 0.01 * Math.pow(1.25, i);
            }
            ImageBatch all = d.denoise(x, sigma);
            for (int i : new int[] {0, 7, 36}) {
                ImageBatch alone = d.denoise(x.slice(i, i + 1), new double[] {sigma[i]});
                assertArrayEquals(all.image(i), alone.data(), name + ": image " + i + " alone differs from in a batch of 37");
            }
            ImageBatch part = d.denoise(x.slice(5, 21), java.util.Arrays.copyOfRange(sigma, 5, 21));
            assertArrayEquals(all.image(7), part.image(2), name + ": image 7 in a batch of 16 differs");
        }
    }
}
