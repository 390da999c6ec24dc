package dev.phaseflow.loadtest.quality;

import dev.phaseflow.pipeline.linalg.LinearAlgebra;
import dev.phaseflow.pipeline.linalg.SampleMoments;
import dev.phaseflow.pipeline.linalg.SymmetricEigen;

/**
 * The Frechet (2-Wasserstein) distance between two Gaussians fitted to feature sets, as FID does
 * with Inception features (here: the zoo classifier's 128 penultimate activations):
 *
 * <pre>
 *   FD = |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))
 * </pre>
 *
 * The product S_a S_b is not symmetric, so its square root is not taken directly. Instead,
 * with R = S_a^(1/2) from a symmetric eigen-decomposition of S_a, the matrix M = R S_b R is
 * symmetric positive semi-definite and similar (up to zero eigenvalues) to S_a S_b, so
 * tr((S_a S_b)^(1/2)) = sum_i sqrt(lambda_i(M)). Both decompositions are symmetric
 * ({@link SymmetricEigen}); eigenvalues below zero (rounding) are taken as zero.
 *
 * @param value          the distance (squared units of the features, like FID)
 * @param meanTerm       |mu_a - mu_b|^2
 * @param covarianceTerm tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2)), at least 0
 */
public record FrechetDistance(double value, double meanTerm, double covarianceTerm) {

    public static FrechetDistance between(SampleMoments a, SampleMoments b) {
        int d = a.dimension();
        if (b.dimension() != d) {
            throw new IllegalArgumentException("feature dimensions differ: " + d + " and " + b.dimension());
        }
        double meanTerm = 0;
        for (int k = 0; k < d; k++) {
            double diff = a.mean()[k] - b.mean()[k];
            meanTerm += diff * diff;
        }
        SymmetricEigen ea = SymmetricEigen.of(a.covariance());
        double floorA = ea.resolution();
        double[][] root = ea.apply(x -> x > floorA ? Math.sqrt(x) : 0);
        double[][] m = LinearAlgebra.multiply(LinearAlgebra.multiply(root, b.covariance()), root);
        SymmetricEigen em = SymmetricEigen.of(m);
        double floorM = em.resolution();
        double traceRoot = 0;
        for (double lambda : em.values()) {
            traceRoot += lambda > floorM ? Math.sqrt(lambda) : 0;
        }
        // the Bures term is non-negative; a tiny negative value is rounding
        double covarianceTerm = Math.max(0, a.trace() + b.trace() - 2 * traceRoot);
        return new FrechetDistance(meanTerm + covarianceTerm, meanTerm, covarianceTerm);
    }
}
