package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.ImageBatch;

/**
 * First and second moments of a set of images, flattened to d = C*H*W values, and the top of
 * the covariance spectrum. The covariance is what the Gaussian CMI proxy conditions on; its top
 * eigenvalue Lambda gives the spectral speciation sigma_s = sqrt(Lambda).
 *
 * @param channels       image channels
 * @param height         image height
 * @param width          image width
 * @param count          images the moments were taken over
 * @param mean           per-value mean (length d)
 * @param covariance     d x d sample covariance (denominator count - 1)
 * @param topEigenvalue  largest eigenvalue Lambda of the covariance
 * @param topEigenvector its unit eigenvector
 */
public record DataStatistics(int channels, int height, int width, int count, double[] mean, double[][] covariance,
                             double topEigenvalue, double[] topEigenvector) {

    public static DataStatistics of(ImageBatch images) {
        int n = images.count();
        if (n < 2) {
            throw new IllegalArgumentException("data statistics need at least 2 images, got " + n);
        }
        int d = images.imageSize();
        float[] data = images.data();
        double[] mean = new double[d];
        for (int img = 0; img < n; img++) {
            for (int i = 0, o = img * d; i < d; i++, o++) {
                mean[i] += data[o];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        // lower triangle by rank-one updates (vectorisable inner loop), then mirrored
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (int img = 0; img < n; img++) {
            for (int i = 0, o = img * d; i < d; i++, o++) {
                centred[i] = data[o] - mean[i];
            }
            for (int i = 0; i < d; i++) {
                double ci = centred[i];
                if (ci == 0) {
                    continue; // background pixels are often constant: skip their empty rows
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
        LinearAlgebra.Eigenpair top = LinearAlgebra.topEigenpair(cov);
        return new DataStatistics(images.channels(), images.height(), images.width(), n, mean, cov, top.value(),
                top.vector());
    }

    /** d = C*H*W. */
    public int dimension() {
        return mean.length;
    }

    /** Spectral speciation sigma_s = sqrt(Lambda_max) (Biroli et al. 2024, leading order). */
    public double spectralSigma() {
        return Math.sqrt(topEigenvalue);
    }

    /** Total variance, the trace of the covariance. */
    public double totalVariance() {
        double t = 0;
        for (int i = 0; i < covariance.length; i++) {
            t += covariance[i][i];
        }
        return t;
    }
}
