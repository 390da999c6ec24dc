package dev.phaseflow.monitoring;

/**
 * The disagreement between the global and the local model's x0 predictions on one step. With the
 * data's per-pixel variance v from calibration (the normal case):
 *
 * <pre>
 *   Delta = mean |D_g - D_l|^2 / v
 * </pre>
 *
 * the share of the data's variance on which the two models disagree. A constant denominator
 * keeps Delta near 0 in both outer phases: normalised by the spread of D_g instead (below, the
 * fallback when v is unknown), Delta levels off at high sigma rather than falling, because the
 * spread of D_g shrinks as fast as the disagreement (measured on the analytic two-Gaussian
 * mixture, where it plateaus near 0.84). Fallback:
 *
 * <pre>
 *   Delta = sum |D_g - D_l|^2 / sum |D_g - mean(D_g)|^2
 * </pre>
 *
 * where the sums run over every pixel of every image of the batch and {@code mean(D_g)} is the
 * per-pixel mean of the global prediction over the batch's images, so the denominator is the
 * spread of the global predictions: Delta near 0 means the local model agrees with the global
 * one far more closely than samples differ from each other; near 1 or above, the local model is as
 * wrong as a different sample would be.
 *
 * <p>A batch of one image has no spread across images, so the reference is then that image's own
 * pixel mean (a scalar): the denominator is the image's contrast. Either way, a zero denominator
 * (identical or flat images) leaves Delta undefined: {@link #compute} returns NaN.
 */
public final class ShadowDelta {
    private ShadowDelta() {
    }

    /**
     * Delta for a batch of {@code images} images of {@code imageSize} floats each (C*H*W, image
     * after image); NaN when the global predictions have no spread.
     */
    public static double compute(float[] globalX0, float[] localX0, int images, int imageSize) {
        return compute(globalX0, localX0, images, imageSize, Double.NaN);
    }

    /** Delta against the data variance {@code dataVariance}; the batch-spread form when it is NaN. */
    public static double compute(float[] globalX0, float[] localX0, int images, int imageSize, double dataVariance) {
        Checks.positive("images", images);
        Checks.positive("image size", imageSize);
        long n = (long) images * imageSize;
        if (globalX0 == null || localX0 == null || globalX0.length != n || localX0.length != n) {
            throw new IllegalArgumentException("x0 arrays must hold images * imageSize = " + n + " floats, got "
                    + length(globalX0) + " (global) and " + length(localX0) + " (local)");
        }
        double disagreement = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) globalX0[i] - localX0[i];
            disagreement += d * d;
        }
        if (dataVariance > 0) {
            return disagreement / (n * dataVariance);
        }
        double spread = images == 1 ? spreadAroundImageMean(globalX0) : spreadAroundPixelMean(globalX0, images, imageSize);
        return spread > 0 ? disagreement / spread : Double.NaN;
    }

    private static double spreadAroundPixelMean(float[] g, int images, int imageSize) {
        double spread = 0;
        for (int p = 0; p < imageSize; p++) {
            double mean = 0;
            for (int i = 0; i < images; i++) {
                mean += g[i * imageSize + p];
            }
            mean /= images;
            for (int i = 0; i < images; i++) {
                double d = g[i * imageSize + p] - mean;
                spread += d * d;
            }
        }
        return spread;
    }

    private static double spreadAroundImageMean(float[] g) {
        double mean = 0;
        for (float v : g) {
            mean += v;
        }
        mean /= g.length;
        double spread = 0;
        for (float v : g) {
            double d = v - mean;
            spread += d * d;
        }
        return spread;
    }

    private static String length(float[] a) {
        return a == null ? "null" : Integer.toString(a.length);
    }
}
