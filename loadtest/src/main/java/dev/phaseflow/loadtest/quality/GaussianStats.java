package dev.phaseflow.loadtest.quality;

import dev.phaseflow.pipeline.linalg.SampleMoments;

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
        SampleMoments m = SampleMoments.of(values, n, d);
        return new GaussianStats(m.count(), m.mean(), m.covariance());
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
