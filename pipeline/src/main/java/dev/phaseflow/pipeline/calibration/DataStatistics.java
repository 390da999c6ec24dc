package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.linalg.LinearAlgebra;
import dev.phaseflow.pipeline.linalg.SampleMoments;

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
        SampleMoments m = SampleMoments.of(images.data(), n, images.imageSize());
        LinearAlgebra.Eigenpair top = LinearAlgebra.topEigenpair(m.covariance());
        return new DataStatistics(images.channels(), images.height(), images.width(), n, m.mean(), m.covariance(),
                top.value(), top.vector());
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
