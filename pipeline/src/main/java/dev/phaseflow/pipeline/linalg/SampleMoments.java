package dev.phaseflow.pipeline.linalg;

/**
 * Mean and unbiased (n - 1) covariance of n vectors of dimension d: the data statistics of
 * calibration (d = C*H*W pixels) and the Gaussians of the Frechet distance (d classifier
 * features) both come from here.
 *
 * @param count      vectors summarised
 * @param mean       their mean (length d)
 * @param covariance d x d, both triangles filled
 */
public record SampleMoments(int count, double[] mean, double[][] covariance) {

    /** The moments of {@code n} vectors of dimension {@code d}, stored row-major in {@code values}. */
    public static SampleMoments of(float[] values, int n, int d) {
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 vectors, got " + n);
        }
        if (values.length != (long) n * d) {
            throw new IllegalArgumentException(values.length + " values are not " + n + " vectors of dimension " + d);
        }
        double[] mean = new double[d];
        for (int v = 0; v < n; v++) {
            for (int i = 0, o = v * d; i < d; i++, o++) {
                mean[i] += values[o];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        // lower triangle by rank-one updates (vectorisable inner loop), then mirrored
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (int v = 0; v < n; v++) {
            for (int i = 0, o = v * d; i < d; i++, o++) {
                centred[i] = values[o] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                double ci = centred[i];
                if (ci == 0) {
                    continue; // background pixels are often constant: skipping their rows adds only zeros
                }
                double[] row = cov[i];
                for (int j = 0; j <= i; j++) {
                    row[j] += ci * centred[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                cov[i][j] /= n - 1;
                cov[j][i] = cov[i][j];
            }
        }
        return new SampleMoments(n, mean, cov);
    }

    public int dimension() {
        return mean.length;
    }

    /** Total variance, the trace of the covariance. */
    public double trace() {
        double t = 0;
        for (int i = 0; i < covariance.length; i++) {
            t += covariance[i][i];
        }
        return t;
    }
}
