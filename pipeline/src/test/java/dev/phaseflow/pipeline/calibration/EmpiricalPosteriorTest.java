package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmpiricalPosteriorTest {
    static final int C = 2;
    static final int H = 4;
    static final int W = 5;

    static ImageBatch random(int n, long seed, double scale) {
        Random rng = new Random(seed);
        float[] d = new float[n * C * H * W];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (scale * rng.nextGaussian());
        }
        return new ImageBatch(n, C, H, W, d);
    }

    /** The definition, written out: weights from the squared distance over the clipped patch, both channels. */
    static double[] bruteForce(ImageBatch train, float[] x, double sigma, int radius) {
        int pixels = H * W;
        double[] out = new double[C * pixels];
        for (int p = 0; p < pixels; p++) {
            int py = p / W;
            int px = p % W;
            double[] logW = new double[train.count()];
            for (int i = 0; i < train.count(); i++) {
                double d2 = 0;
                for (int c = 0; c < C; c++) {
                    for (int y = 0; y < H; y++) {
                        for (int xx = 0; xx < W; xx++) {
                            boolean inside = radius < 0 || (Math.abs(y - py) <= radius && Math.abs(xx - px) <= radius);
                            if (inside) {
                                double diff = x[(c * H + y) * W + xx] - train.get(i, c, y, xx);
                                d2 += diff * diff;
                            }
                        }
                    }
                }
                logW[i] = -d2 / (2 * sigma * sigma);
            }
            double max = Arrays.stream(logW).max().orElseThrow();
            for (int c = 0; c < C; c++) {
                double s = 0;
                double t = 0;
                for (int i = 0; i < train.count(); i++) {
                    double w = Math.exp(logW[i] - max);
                    s += w;
                    t += w * train.get(i, c, p / W, p % W);
                }
                out[c * pixels + p] = t / s;
            }
        }
        return out;
    }

    @Test
    void matchesTheDefinitionForEveryRadiusAndTheFullImage() {
        ImageBatch train = random(7, 1, 0.6);
        ImageBatch x = random(2, 2, 1.0);
        EmpiricalPosterior ep = new EmpiricalPosterior(train, new int[] {0, 1, 2});
        for (int r : new int[] {0, 1, 2, EmpiricalPosterior.FULL}) {
            for (double sigma : new double[] {0.3, 1.5}) {
                ImageBatch d = ep.denoise(x, new double[] {sigma, sigma}, r);
                for (int img = 0; img < 2; img++) {
                    double[] expected = bruteForce(train, x.image(img), sigma, r);
                    float[] got = d.image(img);
                    for (int v = 0; v < expected.length; v++) {
                        assertEquals(expected[v], got[v], 1e-5, "radius " + r + ", sigma " + sigma + ", value " + v);
                    }
                }
            }
        }
    }

    @Test
    void aPatchCoveringTheImageIsTheFullPosterior() {
        ImageBatch train = random(9, 3, 0.5);
        ImageBatch x = random(3, 4, 1.0);
        EmpiricalPosterior ep = new EmpiricalPosterior(train, new int[] {Math.max(H, W)});
        double[] sigma = {0.05, 0.4, 3};
        assertArrayEquals(ep.denoise(x, sigma, EmpiricalPosterior.FULL).data(), ep.denoise(x, sigma, Math.max(H, W)).data(),
                1e-6f);
    }

    /** The full posterior of the training set returns the training image itself at low sigma: it memorises. */
    @Test
    void theFullPosteriorMemorisesTrainingImagesAtLowSigma() {
        ImageBatch train = random(20, 5, 0.5);
        ImageBatch one = train.slice(6, 7);
        float[] noisy = one.data().clone();
        Random rng = new Random(6);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += (float) (0.01 * rng.nextGaussian());
        }
        ImageBatch d = new EmpiricalPosterior(train, new int[] {1}).denoise(new ImageBatch(1, C, H, W, noisy),
                new double[] {0.01}, EmpiricalPosterior.FULL);
        assertArrayEquals(one.data(), d.data(), 1e-6f);
    }

    /** errors() uses x0 . y + sigma eps . y; it must agree with denoising x0 + sigma eps directly. */
    @Test
    void errorsAgreeWithDenoisingTheNoisyImages() {
        ImageBatch train = random(40, 7, 0.6);
        ImageBatch clean = random(3, 8, 0.6);
        float[] eps = LocalityCalibration.noise(clean.data().length, 9);
        double[] sigmas = {0.1, 0.8, 4};
        EmpiricalPosterior ep = new EmpiricalPosterior(train, new int[] {1, 3});
        EmpiricalPosterior.Errors e = ep.errors(clean, eps, sigmas, new int[] {40}, 2);
        int[] radii = {1, 3, EmpiricalPosterior.FULL};
        for (int k = 0; k < sigmas.length; k++) {
            ImageBatch noisy = X0Errors.noised(clean, eps, 0, sigmas[k]);
            double[] s = new double[clean.count()];
            Arrays.fill(s, sigmas[k]);
            for (int j = 0; j < radii.length; j++) {
                float[] d = ep.denoise(noisy, s, radii[j]).data();
                double mse = 0;
                for (int v = 0; v < d.length; v++) {
                    mse += (d[v] - clean.data()[v]) * (d[v] - clean.data()[v]) / d.length;
                }
                assertEquals(mse, e.largest()[k][j], 1e-5 * mse, "sigma " + sigmas[k] + ", radius " + radii[j]);
            }
        }
    }

    @Test
    void threadsDoNotChangeTheResultAndSubsetsArePrefixes() {
        ImageBatch train = random(70, 10, 0.6);
        ImageBatch clean = random(5, 11, 0.6);
        float[] eps = LocalityCalibration.noise(clean.data().length, 12);
        double[] sigmas = {0.2, 2};
        int[] radii = {1, 2};
        EmpiricalPosterior ep = new EmpiricalPosterior(train, radii);
        EmpiricalPosterior.Errors one = ep.errors(clean, eps, sigmas, new int[] {33, 70}, 1);
        EmpiricalPosterior.Errors three = ep.errors(clean, eps, sigmas, new int[] {33, 70}, 3);
        for (int c = 0; c < 2; c++) {
            for (int k = 0; k < sigmas.length; k++) {
                assertArrayEquals(one.mse()[c][k], three.mse()[c][k], 0.0);
            }
        }
        EmpiricalPosterior.Errors prefix = new EmpiricalPosterior(train.slice(0, 33), radii).errors(clean, eps, sigmas,
                new int[] {33}, 1);
        for (int k = 0; k < sigmas.length; k++) {
            assertArrayEquals(prefix.mse()[0][k], one.mse()[0][k], 0.0);
        }
    }

    @Test
    void fastExpIsAccurateOverTheRangeItIsUsedOn() {
        for (double d = EmpiricalPosterior.NEGLIGIBLE; d <= 0; d += 0.0137) {
            assertEquals(1, EmpiricalPosterior.exp(d) / Math.exp(d), 2e-10, "at " + d);
        }
        assertEquals(1, EmpiricalPosterior.exp(0), 1e-15);
    }

    /**
     * On the two-Gaussian mixture the patch-local posterior mean is known in closed form
     * ({@link TwoGaussianMixture#localDenoiser}); the empirical one converges to it as the training
     * sample grows (variance and ratio bias both fall like 1/N).
     */
    @Test
    void convergesToTheExactPatchLocalDenoiserOnTheMixture() {
        TwoGaussianMixture mix = TwoGaussianMixture.standard();
        int radius = 2;
        double sigma = 1.5;
        ImageBatch clean = mix.sample(20, 21).images();
        float[] eps = LocalityCalibration.noise(clean.data().length, 22);
        ImageBatch noisy = X0Errors.noised(clean, eps, 0, sigma);
        double[] s = new double[clean.count()];
        Arrays.fill(s, sigma);
        float[] exact = mix.localDenoiser(radius).denoise(noisy, s).data();
        ImageBatch train = mix.sample(4000, 23).images();
        double exactError = 0;
        for (int v = 0; v < exact.length; v++) {
            exactError += (exact[v] - clean.data()[v]) * (exact[v] - clean.data()[v]) / exact.length;
        }
        double[] distance = new double[3];
        int[] sizes = {250, 1000, 4000};
        for (int i = 0; i < sizes.length; i++) {
            float[] d = new EmpiricalPosterior(train.slice(0, sizes[i]), new int[] {radius}).denoise(noisy, s, radius)
                    .data();
            for (int v = 0; v < d.length; v++) {
                distance[i] += (d[v] - exact[v]) * (d[v] - exact[v]) / d.length;
            }
        }
        assertTrue(distance[1] < distance[0] && distance[2] < distance[1], "must fall with N: "
                + Arrays.toString(distance));
        assertTrue(distance[2] < 0.3 * distance[0], "16x the images: far closer, got " + Arrays.toString(distance));
        assertTrue(distance[2] < 0.02 * exactError, "with 4000 images within 2% of the exact local error "
                + exactError + ", got " + distance[2]);
    }

    @Test
    void badInputIsNamed() {
        ImageBatch train = random(3, 1, 1);
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> new EmpiricalPosterior(train, new int[] {1, 1}));
        assertTrue(dup.getMessage().contains("distinct"), dup.getMessage());
        EmpiricalPosterior ep = new EmpiricalPosterior(train, new int[] {1});
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ep.denoise(ImageBatch.zeros(1, 1, H, W), new double[] {1}, 1));
        assertTrue(shape.getMessage().contains("1x4x5") && shape.getMessage().contains("2x4x5"), shape.getMessage());
        IllegalArgumentException radius = assertThrows(IllegalArgumentException.class,
                () -> ep.denoise(random(1, 2, 1), new double[] {1}, 3));
        assertTrue(radius.getMessage().contains("radius 3"), radius.getMessage());
        IllegalArgumentException subsets = assertThrows(IllegalArgumentException.class,
                () -> ep.errors(random(1, 2, 1), new float[C * H * W], new double[] {1}, new int[] {2, 2}, 1));
        assertTrue(subsets.getMessage().contains("ascend"), subsets.getMessage());
    }
}
