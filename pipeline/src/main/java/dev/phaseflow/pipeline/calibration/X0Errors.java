package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * How well each model recovers the clean image, over a sigma grid, and how much the global and
 * local model disagree.
 *
 * <p>Every model sees the same noisy images: one noise draw eps (from {@code seed}) is made for
 * all images and reused at every sigma, x = x0 + sigma * eps. Reusing eps across sigma (common
 * random numbers) keeps the curves smooth, so neighbouring grid points differ by the models, not
 * by a fresh noise sample.
 *
 * @param sigmas        the grid
 * @param mse           per model: mean squared x0 error per value (pixel and channel) at each sigma
 * @param globalModel   the model D_g of Delta
 * @param localModel    the model D_l of Delta
 * @param delta         Delta(sigma) = E|D_g - D_l|^2 / E|D_g - mean(D_g)|^2, the mean taken per value
 *                      over all images at that sigma (NaN where D_g is constant over the images)
 * @param disagreement  E|D_g - D_l|^2 per value: Delta's numerator, in the units of mse. When D_g is
 *                      the exact posterior mean it is exactly the local model's excess error.
 * @param images        how many images each point averages over
 */
public record X0Errors(double[] sigmas, Map<String, double[]> mse, String globalModel, String localModel,
                       double[] delta, double[] disagreement, int images) {

    public X0Errors {
        mse = Collections.unmodifiableMap(new LinkedHashMap<>(mse)); // keeps the models' order for reports
    }

    /** x0 error of one model along the grid. */
    public double[] mse(String model) {
        double[] e = mse.get(model);
        if (e == null) {
            throw new IllegalArgumentException("no x0 errors for model '" + model + "' (have " + mse.keySet() + ")");
        }
        return e;
    }

    /**
     * Runs every model on the same noisy images at every grid sigma, {@code batchSize} images
     * (all at one sigma) per call.
     */
    public static X0Errors measure(Map<String, ? extends Denoiser> models, ImageBatch clean, double[] sigmas,
                                   String globalModel, String localModel, long seed, int batchSize) {
        if (!models.containsKey(globalModel) || !models.containsKey(localModel)) {
            throw new IllegalArgumentException("x0 errors: global model '" + globalModel + "' and local model '"
                    + localModel + "' must both be among the models " + models.keySet());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("x0 errors: batch size must be at least 1, got " + batchSize);
        }
        int n = clean.count();
        int size = clean.imageSize();
        if (n == 0) {
            throw new IllegalArgumentException("x0 errors: no images");
        }
        float[] eps = new float[n * size];
        Random rng = new Random(seed);
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) rng.nextGaussian();
        }
        Map<String, double[]> mse = new LinkedHashMap<>();
        models.keySet().forEach(m -> mse.put(m, new double[sigmas.length]));
        double[] delta = new double[sigmas.length];
        double[] disagreement = new double[sigmas.length];
        for (int k = 0; k < sigmas.length; k++) {
            double sigma = sigmas[k];
            Map<String, Double> squaredError = new LinkedHashMap<>();
            double diff2 = 0;
            double[] sumGlobal = new double[size];
            double[] sumGlobal2 = new double[size];
            float[] reference = null;
            for (int from = 0; from < n; from += batchSize) {
                int count = Math.min(batchSize, n - from);
                ImageBatch x0 = clean.slice(from, from + count);
                ImageBatch x = noised(x0, eps, from * size, sigma);
                double[] sig = new double[count];
                Arrays.fill(sig, sigma);
                float[] outGlobal = null;
                float[] outLocal = null;
                for (Map.Entry<String, ? extends Denoiser> e : models.entrySet()) {
                    float[] out = run(e.getKey(), e.getValue(), x, sig);
                    squaredError.merge(e.getKey(), squaredDistance(out, x0.data()), Double::sum);
                    if (e.getKey().equals(globalModel)) {
                        outGlobal = out;
                    }
                    if (e.getKey().equals(localModel)) {
                        outLocal = out;
                    }
                }
                diff2 += squaredDistance(outGlobal, outLocal);
                if (reference == null) {
                    reference = Arrays.copyOf(outGlobal, size);
                }
                for (int i = 0; i < outGlobal.length; i++) {
                    double v = outGlobal[i] - reference[i % size]; // shifted sums: no cancellation when the spread is tiny
                    sumGlobal[i % size] += v;
                    sumGlobal2[i % size] += v * v;
                }
            }
            double values = (double) n * size;
            for (Map.Entry<String, Double> e : squaredError.entrySet()) {
                mse.get(e.getKey())[k] = e.getValue() / values;
            }
            double spread = 0;
            for (int i = 0; i < size; i++) {
                spread += sumGlobal2[i] - sumGlobal[i] * sumGlobal[i] / n;
            }
            disagreement[k] = diff2 / values;
            delta[k] = spread > 0 ? diff2 / spread : Double.NaN;
        }
        return new X0Errors(sigmas.clone(), mse, globalModel, localModel, delta, disagreement, n);
    }

    /** x0 + sigma * eps, eps read from {@code offset}. */
    static ImageBatch noised(ImageBatch x0, float[] eps, int offset, double sigma) {
        float[] clean = x0.data();
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            out[i] = (float) (clean[i] + sigma * eps[offset + i]);
        }
        return new ImageBatch(x0.count(), x0.channels(), x0.height(), x0.width(), out);
    }

    private static float[] run(String name, Denoiser model, ImageBatch x, double[] sigma) {
        ImageBatch out = model.denoise(x, sigma);
        if (out.count() != x.count() || !out.sameImageShape(x)) {
            throw new IllegalStateException("model '" + name + "' returned " + out.shapeString() + " for input "
                    + x.shapeString());
        }
        int bad = out.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalStateException("model '" + name + "' returned " + out.data()[bad] + " at sigma "
                    + sigma[0] + " (image " + bad / out.imageSize() + ")");
        }
        return out.data();
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
