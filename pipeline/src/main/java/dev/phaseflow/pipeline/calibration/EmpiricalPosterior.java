package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.ImageBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The empirical local posterior denoiser: the Bayes-optimal denoiser that sees only the
 * (2r+1)^2 patch P around pixel p, under the training images as the prior (Kamb and Ganguli's
 * local score machine in its position-dependent form). With x = x0 + sigma * eps,
 *
 * <pre>
 *   D_r(x)_p = sum_i w_i y_i,p / sum_i w_i,   w_i = exp(-|x_P - y_i,P|^2 / (2 sigma^2))
 * </pre>
 *
 * over training images y_i, with the patch taken at the same position in every image. At the
 * border the patch is <b>clipped</b> to the image; zero padding of both x and y_i would give the
 * same weights (padded pixels add (0 - 0)^2), so the two conventions agree. The full-image
 * posterior ({@link #FULL}) is the exact posterior mean of the training set: it memorises (returns
 * the nearest training image) at low sigma, so it must be judged on held-out images.
 *
 * <p>Computation. |x_P|^2 is the same for every i and cancels in the normalised weights, so the
 * log-weight is (x_P . y_i,P - |y_i,P|^2 / 2) / sigma^2; patch sums of any radius come from one
 * integral image per product field. For x = x0 + sigma eps the dot product is linear in sigma,
 * x_P . y = x0_P . y + sigma eps_P . y, so the patch sums are made once per (query, training
 * image) and reused at every sigma. Weights accumulate as a log-sum-exp in double over blocks of
 * training images (running maximum per pixel, rescaled once per block); terms more than
 * {@link #NEGLIGIBLE} below the running maximum are skipped (they change the result by less than
 * e^-40 relative). Held-out queries run in parallel, one query per task; each query's sums are
 * made in a fixed order, so results do not depend on the thread count.
 */
public final class EmpiricalPosterior {
    /** The radius value that stands for the whole image. */
    public static final int FULL = -1;
    /** Log-weights this far below the running maximum are left out: e^-40 ~ 4e-18 relative. */
    static final double NEGLIGIBLE = -40;
    static final int BLOCK = 32;

    private final float[] train;
    private final int n;
    private final int channels;
    private final int height;
    private final int width;
    private final int pixels;
    private final int[] radii;
    /** Integral-image corners of every pixel's clipped patch, per radius: (y1+1, x1+1), (y0, x1+1), (y1+1, x0), (y0, x0). */
    private final int[][][] corners;

    /**
     * @param training the prior: training images (a subset of them: cost grows linearly with the count)
     * @param radii    patch radii (distinct, each >= 0) to measure; the full image is always measured too
     */
    public EmpiricalPosterior(ImageBatch training, int[] radii) {
        if (training.count() < 1) {
            throw new IllegalArgumentException("empirical posterior: needs at least one training image");
        }
        int[] sorted = radii.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || (i > 0 && sorted[i] == sorted[i - 1])) {
                throw new IllegalArgumentException("empirical posterior: radii must be distinct and >= 0, got "
                        + Arrays.toString(radii));
            }
        }
        this.train = training.data();
        this.n = training.count();
        this.channels = training.channels();
        this.height = training.height();
        this.width = training.width();
        this.pixels = height * width;
        this.radii = sorted;
        this.corners = new int[sorted.length][4][pixels];
        int stride = width + 1;
        for (int j = 0; j < sorted.length; j++) {
            int r = sorted[j];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int y0 = Math.max(0, y - r);
                    int y1 = Math.min(height - 1, y + r) + 1;
                    int x0 = Math.max(0, x - r);
                    int x1 = Math.min(width - 1, x + r) + 1;
                    int p = y * width + x;
                    corners[j][0][p] = y1 * stride + x1;
                    corners[j][1][p] = y0 * stride + x1;
                    corners[j][2][p] = y1 * stride + x0;
                    corners[j][3][p] = y0 * stride + x0;
                }
            }
        }
    }

    /** Training images in the prior. */
    public int trainingImages() {
        return n;
    }

    /** The measured radii, ascending. */
    public int[] radii() {
        return radii.clone();
    }

    /**
     * x0 errors on held-out images.
     *
     * @param subsets     nested prefix sizes of the training set, ascending, the last one = {@link #trainingImages()}
     *                    (or fewer): errors are reported for the prior made of the first {@code subsets[c]} images
     * @param mse         mse[c][k][j]: mean squared x0 error per value with the first subsets[c] training images at
     *                    sigmas[k], for radii[j] (j < radii.length) and the full image (j = radii.length)
     * @param queries     held-out images averaged over
     */
    public record Errors(int[] radii, double[] sigmas, int[] subsets, double[][][] mse, int queries) {
        /** The errors of the largest subset: [k][j]. */
        public double[][] largest() {
            return mse[mse.length - 1];
        }
    }

    /**
     * x0 errors of every radius and of the full posterior, on x = clean + sigma * eps at every sigma.
     *
     * @param eps     noise, one value per value of {@code clean} (the same draw at every sigma, as in {@link X0Errors})
     * @param threads parallel queries
     */
    public Errors errors(ImageBatch clean, float[] eps, double[] sigmas, int[] subsets, int threads) {
        requireShape(clean);
        if (eps.length != clean.data().length) {
            throw new IllegalArgumentException("empirical posterior: " + eps.length + " noise values for "
                    + clean.data().length + " image values");
        }
        int[] cuts = checkSubsets(subsets);
        int size = channels * pixels;
        int q = clean.count();
        List<double[][][]> perQuery = parallel(q, threads, i -> {
            float[] x0 = Arrays.copyOfRange(clean.data(), i * size, (i + 1) * size);
            float[] e = Arrays.copyOfRange(eps, i * size, (i + 1) * size);
            double[][][] sq = new double[cuts.length][sigmas.length][radii.length + 1];
            new Query(x0, e, sigmas).run(cuts, (c, state) -> state.squaredErrors(x0, sq[c]));
            return sq;
        });
        double[][][] mse = new double[cuts.length][sigmas.length][radii.length + 1];
        for (double[][][] sq : perQuery) { // query order: the sum does not depend on the threads
            for (int c = 0; c < cuts.length; c++) {
                for (int k = 0; k < sigmas.length; k++) {
                    for (int j = 0; j <= radii.length; j++) {
                        mse[c][k][j] += sq[c][k][j] / ((double) q * size);
                    }
                }
            }
        }
        return new Errors(radii.clone(), sigmas.clone(), cuts, mse, q);
    }

    /**
     * D_r(x; sigma) of each noisy image (its own sigma) with the whole training set; radius one of
     * {@link #radii()} or {@link #FULL}.
     */
    public ImageBatch denoise(ImageBatch noisy, double[] sigma, int radius) {
        requireShape(noisy);
        if (sigma.length != noisy.count()) {
            throw new IllegalArgumentException("empirical posterior: " + sigma.length + " sigmas for "
                    + noisy.count() + " images");
        }
        int j = radius == FULL ? radii.length : Arrays.binarySearch(radii, radius);
        if (j < 0) {
            throw new IllegalArgumentException("empirical posterior: radius " + radius + " is not among "
                    + Arrays.toString(radii) + " (or FULL)");
        }
        int size = channels * pixels;
        float[] out = new float[noisy.data().length];
        for (int i = 0; i < noisy.count(); i++) {
            float[] x = Arrays.copyOfRange(noisy.data(), i * size, (i + 1) * size);
            int offset = i * size;
            new Query(x, null, new double[] {sigma[i]}).run(new int[] {n}, (c, state) -> {
                double[] d = state.estimate(0, j);
                for (int v = 0; v < size; v++) {
                    out[offset + v] = (float) d[v];
                }
            });
        }
        return new ImageBatch(noisy.count(), channels, height, width, out);
    }

    private void requireShape(ImageBatch b) {
        if (b.channels() != channels || b.height() != height || b.width() != width) {
            throw new IllegalArgumentException("empirical posterior: images are " + b.channels() + "x" + b.height()
                    + "x" + b.width() + ", the training images " + channels + "x" + height + "x" + width);
        }
    }

    private int[] checkSubsets(int[] subsets) {
        if (subsets.length == 0) {
            return new int[] {n};
        }
        for (int c = 0; c < subsets.length; c++) {
            if (subsets[c] < 1 || subsets[c] > n || (c > 0 && subsets[c] <= subsets[c - 1])) {
                throw new IllegalArgumentException("empirical posterior: subset sizes must ascend within 1.." + n
                        + ", got " + Arrays.toString(subsets));
            }
        }
        return subsets.clone();
    }

    /**
     * e^d for NEGLIGIBLE < d <= 0, relative error below 2e-10: d = (k + f) ln 2 with integer k and
     * |f| <= 1/2, 2^f from its Taylor series to degree 9 in f ln 2, 2^k from the exponent bits.
     * Twice as fast as Math.exp here, which dominates the cost at high sigma.
     */
    static double exp(double d) {
        double t = d * 1.4426950408889634;
        double k = Math.rint(t);
        double r = (t - k) * 0.6931471805599453;
        double p = 1 + r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
                + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880)))))))));
        return p * Double.longBitsToDouble(((long) k + 1023) << 52);
    }

    private interface Task<T> {
        T apply(int index) throws Exception;
    }

    private static <T> List<T> parallel(int count, int threads, Task<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, count)), r -> {
            Thread t = new Thread(r, "empirical-posterior");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            List<T> out = new ArrayList<>(count);
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("empirical posterior interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private interface Checkpoint {
        /** The first cuts[index] training images are in the sums. */
        void reached(int index, Query state);
    }

    /**
     * One query image x = a + sigma * e (e null: x = a) at several sigmas: the running
     * log-sum-exp sums for every sigma and radius (and the full image).
     */
    private final class Query {
        private final float[] a;
        private final float[] e;
        private final double[] sigmas;
        private final int nr = radii.length;
        // per sigma k, radius j: running max m and sum s of the weights per pixel, weighted sum t per value
        private final double[][][] m;
        private final double[][][] s;
        private final double[][][] t;
        // the full image: one weight per training image
        private final double[] fullMax;
        private final double[] fullSum;
        private final double[][] fullT;
        // per block: integral images and patch sums
        private final double[][] intA = new double[BLOCK][(height + 1) * (width + 1)];
        private final double[][] intE = new double[BLOCK][(height + 1) * (width + 1)];
        private final double[][] intY = new double[BLOCK][(height + 1) * (width + 1)];
        private final double[] dotA = new double[BLOCK];
        private final double[] dotE = new double[BLOCK];
        private final double[] dotY = new double[BLOCK];
        private final double[][] base = new double[BLOCK][pixels]; // x0_P . y_P - |y_P|^2 / 2
        private final double[][] slope = new double[BLOCK][pixels]; // eps_P . y_P
        private final double[][] logit = new double[BLOCK][pixels];
        private final double[] blockMax = new double[pixels];
        private final double[] product = new double[pixels];

        Query(float[] a, float[] e, double[] sigmas) {
            this.a = a;
            this.e = e;
            this.sigmas = sigmas;
            int ns = sigmas.length;
            m = new double[ns][nr][pixels];
            s = new double[ns][nr][pixels];
            t = new double[ns][nr][channels * pixels];
            for (double[][] byRadius : m) {
                for (double[] row : byRadius) {
                    Arrays.fill(row, Double.NEGATIVE_INFINITY);
                }
            }
            fullMax = new double[ns];
            Arrays.fill(fullMax, Double.NEGATIVE_INFINITY);
            fullSum = new double[ns];
            fullT = new double[ns][channels * pixels];
        }

        void run(int[] cuts, Checkpoint checkpoint) {
            int from = 0;
            for (int c = 0; c < cuts.length; c++) {
                while (from < cuts[c]) {
                    int to = Math.min(from + BLOCK, cuts[c]);
                    block(from, to);
                    from = to;
                }
                checkpoint.reached(c, this);
            }
        }

        /** Adds training images from..to-1 to every running sum. */
        private void block(int from, int to) {
            int count = to - from;
            for (int b = 0; b < count; b++) {
                int offset = (from + b) * channels * pixels;
                dotA[b] = integral(a, offset, intA[b]);
                dotE[b] = e == null ? 0 : integral(e, offset, intE[b]);
                dotY[b] = integral(null, offset, intY[b]);
            }
            for (int j = 0; j < nr; j++) {
                int[] c11 = corners[j][0], c01 = corners[j][1], c10 = corners[j][2], c00 = corners[j][3];
                for (int b = 0; b < count; b++) {
                    double[] ia = intA[b], ie = intE[b], iy = intY[b];
                    double[] bs = base[b], sl = slope[b];
                    for (int p = 0; p < pixels; p++) {
                        int p11 = c11[p], p01 = c01[p], p10 = c10[p], p00 = c00[p];
                        double pa = ia[p11] - ia[p01] - ia[p10] + ia[p00];
                        double py = iy[p11] - iy[p01] - iy[p10] + iy[p00];
                        bs[p] = pa - 0.5 * py;
                        sl[p] = e == null ? 0 : ie[p11] - ie[p01] - ie[p10] + ie[p00];
                    }
                }
                for (int k = 0; k < sigmas.length; k++) {
                    accumulate(from, count, sigmas[k], m[k][j], s[k][j], t[k][j]);
                }
            }
            for (int k = 0; k < sigmas.length; k++) {
                accumulateFull(from, count, k);
            }
        }

        /** Integral image of sum_c f[c,p] * y[c,p] (f null: y^2) into out; returns the whole-image sum. */
        private double integral(float[] f, int offset, double[] out) {
            Arrays.fill(product, 0);
            for (int c = 0; c < channels; c++) {
                int o = offset + c * pixels;
                int fo = c * pixels;
                for (int p = 0; p < pixels; p++) {
                    double y = train[o + p];
                    product[p] += (f == null ? y : f[fo + p]) * y;
                }
            }
            int stride = width + 1;
            for (int y = 0; y < height; y++) {
                double row = 0;
                for (int x = 0; x < width; x++) {
                    row += product[y * width + x];
                    out[(y + 1) * stride + x + 1] = out[y * stride + x + 1] + row;
                }
            }
            return out[height * stride + width];
        }

        private void accumulate(int from, int count, double sigma, double[] mk, double[] sk, double[] tk) {
            double inv = 1 / (sigma * sigma);
            Arrays.fill(blockMax, Double.NEGATIVE_INFINITY);
            for (int b = 0; b < count; b++) {
                double[] bs = base[b], sl = slope[b], lg = logit[b];
                for (int p = 0; p < pixels; p++) {
                    double l = (bs[p] + sigma * sl[p]) * inv;
                    lg[p] = l;
                    blockMax[p] = Math.max(blockMax[p], l);
                }
            }
            for (int p = 0; p < pixels; p++) {
                if (blockMax[p] > mk[p]) { // a new maximum: rescale what was summed so far
                    double scale = Math.exp(mk[p] - blockMax[p]);
                    sk[p] *= scale;
                    for (int c = 0; c < channels; c++) {
                        tk[c * pixels + p] *= scale;
                    }
                    mk[p] = blockMax[p];
                }
            }
            for (int b = 0; b < count; b++) {
                double[] lg = logit[b];
                int offset = (from + b) * channels * pixels;
                for (int p = 0; p < pixels; p++) {
                    double d = lg[p] - mk[p];
                    if (d > NEGLIGIBLE) {
                        double w = exp(d);
                        sk[p] += w;
                        for (int c = 0; c < channels; c++) {
                            tk[c * pixels + p] += w * train[offset + c * pixels + p];
                        }
                    }
                }
            }
        }

        private void accumulateFull(int from, int count, int k) {
            double sigma = sigmas[k];
            double inv = 1 / (sigma * sigma);
            double max = fullMax[k];
            double[] l = new double[count];
            for (int b = 0; b < count; b++) {
                l[b] = (dotA[b] + sigma * dotE[b] - 0.5 * dotY[b]) * inv;
                max = Math.max(max, l[b]);
            }
            double[] tk = fullT[k];
            if (max > fullMax[k]) {
                double scale = Math.exp(fullMax[k] - max);
                fullSum[k] *= scale;
                for (int v = 0; v < tk.length; v++) {
                    tk[v] *= scale;
                }
                fullMax[k] = max;
            }
            for (int b = 0; b < count; b++) {
                double d = l[b] - max;
                if (d > NEGLIGIBLE) {
                    double w = Math.exp(d);
                    fullSum[k] += w;
                    int offset = (from + b) * channels * pixels;
                    for (int v = 0; v < tk.length; v++) {
                        tk[v] += w * train[offset + v];
                    }
                }
            }
        }

        /** The posterior mean at sigmas[k] for radius index j (j = radii.length: the full image), C x H x W. */
        double[] estimate(int k, int j) {
            double[] out = new double[channels * pixels];
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < pixels; p++) {
                    int v = c * pixels + p;
                    out[v] = j == nr ? fullT[k][v] / fullSum[k] : t[k][j][v] / s[k][j][p];
                }
            }
            return out;
        }

        /** Adds the squared x0 errors of every sigma and radius to into[k][j]. */
        void squaredErrors(float[] x0, double[][] into) {
            for (int k = 0; k < sigmas.length; k++) {
                for (int j = 0; j <= nr; j++) {
                    double[] d = estimate(k, j);
                    double sum = 0;
                    for (int v = 0; v < d.length; v++) {
                        double diff = d[v] - x0[v];
                        sum += diff * diff;
                    }
                    into[k][j] += sum;
                }
            }
        }
    }
}
