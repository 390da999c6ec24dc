package dev.phaseflow.loadtest.quality;

/**
 * Mean and covariance of a set of feature vectors: the Gaussian a Frechet distance compares.
 *
 * @param count      vectors summarised
 * @param mean       their mean
 * @param covariance their unbiased (n - 1) covariance
 */
public record GaussianStats(int count, double[] mean, double[][] covariance) {

    /** Statistics of {@code n} vectors of dimension {@code d}, stored row-major in {@code values}. */
    public static GaussianStats of(float[] values, int n, int d) {
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 vectors, got " + n);
        }
        if (values.length != (long) n * d) {
            throw new IllegalArgumentException(values.length + " values are not " + n + " vectors of dimension " + d);
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                mean[k] += values[i * d + k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= n;
        }
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                centred[k] = values[i * d + k] - mean[k];
            }
            for (int a = 0; a < d; a++) {
                double ca = centred[a];
                double[] row = cov[a];
                for (int b = a; b < d; b++) {
                    row[b] += ca * centred[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n - 1;
                cov[b][a] = cov[a][b];
            }
        }
        return new GaussianStats(n, mean, cov);
    }

    public int dimension() {
        return mean.length;
    }

    public double trace() {
        double t = 0;
        for (int k = 0; k < mean.length; k++) {
            t += covariance[k][k];
        }
        return t;
    }
}
