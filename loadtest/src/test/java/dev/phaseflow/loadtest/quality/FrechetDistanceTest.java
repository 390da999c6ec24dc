package dev.phaseflow.loadtest.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.pipeline.linalg.LinearAlgebra;
import dev.phaseflow.pipeline.linalg.SampleMoments;
import dev.phaseflow.pipeline.linalg.SymmetricEigen;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Frechet distance against closed forms for Gaussians. */
class FrechetDistanceTest {

    @Test
    void identicalSetsAreAtDistanceZero() {
        SampleMoments a = SampleMoments.of(samples(400, 16, 0, 1, new Random(1)), 400, 16);
        FrechetDistance fd = FrechetDistance.between(a, a);
        assertEquals(0, fd.value(), 1e-9 * a.trace());
        assertTrue(a.trace() > 10, "the covariance is not trivially zero");
    }

    @Test
    void aShiftedMeanAddsItsSquaredLength() {
        SampleMoments a = SampleMoments.of(samples(300, 12, 0, 1, new Random(2)), 300, 12);
        double[] shifted = a.mean().clone();
        double expected = 0;
        for (int k = 0; k < shifted.length; k++) {
            double delta = 0.1 * (k - 5);
            shifted[k] += delta;
            expected += delta * delta;
        }
        SampleMoments b = new SampleMoments(a.count(), shifted, a.covariance());
        FrechetDistance fd = FrechetDistance.between(a, b);
        assertEquals(expected, fd.value(), 1e-9);
        assertEquals(expected, fd.meanTerm(), 1e-12);
        assertEquals(0, fd.covarianceTerm(), 1e-9);
    }

    @Test
    void samplesShiftedByAConstantDifferInTheMeanOnly() {
        int n = 200;
        int d = 8;
        float[] x = samples(n, d, 0, 1, new Random(3));
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += 0.5f;
        }
        FrechetDistance fd = FrechetDistance.between(SampleMoments.of(x, n, d), SampleMoments.of(y, n, d));
        assertEquals(d * 0.25, fd.value(), 1e-5);
    }

    @Test
    void commutingCovariancesGiveTheSumOfSquaredRootDifferences() {
        // A = Q diag(a) Q^T, B = Q diag(b) Q^T: FD = sum (sqrt a_i - sqrt b_i)^2, at the classifier's 128 dimensions
        int d = 128;
        Random rnd = new Random(4);
        double[][] q = orthogonal(d, rnd);
        double[] a = new double[d];
        double[] b = new double[d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            a[i] = 0.01 + 3 * rnd.nextDouble();
            b[i] = i % 7 == 0 ? 0 : 0.01 + 3 * rnd.nextDouble(); // some directions singular
            expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        double[] mean = new double[d];
        FrechetDistance fd = FrechetDistance.between(new SampleMoments(2, mean, conjugate(q, a)),
                new SampleMoments(2, mean, conjugate(q, b)));
        assertEquals(expected, fd.value(), 1e-8 * expected);
    }

    @Test
    void nonCommutingTwoByTwoMatchesTheTraceFormula() {
        // for 2 x 2 positive matrices: tr sqrt(AB) = sqrt(tr(AB) + 2 sqrt(det(AB)))
        double[][] a = {{2.0, 0.7}, {0.7, 1.0}};
        double[][] b = {{0.5, -0.3}, {-0.3, 1.5}};
        double[][] ab = LinearAlgebra.multiply(a, b);
        double det = ab[0][0] * ab[1][1] - ab[0][1] * ab[1][0];
        double traceRoot = Math.sqrt(ab[0][0] + ab[1][1] + 2 * Math.sqrt(det));
        double[] mu = {1.0, -2.0};
        double[] nu = {0.0, 0.5};
        double expected = 1 + 6.25 + (3.0 + 2.0 - 2 * traceRoot);
        FrechetDistance fd = FrechetDistance.between(new SampleMoments(2, mu, a), new SampleMoments(2, nu, b));
        assertEquals(expected, fd.value(), 1e-12);
        assertEquals(fd.value(), FrechetDistance.between(new SampleMoments(2, nu, b), new SampleMoments(2, mu, a)).value(),
                1e-12, "symmetric");
    }

    @Test
    void scaledCovarianceOfSamples() {
        // B = A * k: S_b = k^2 S_a, mu_b = k mu_a: FD = (k - 1)^2 (|mu_a|^2 + tr S_a)
        int n = 300;
        int d = 10;
        float[] x = samples(n, d, 0.3, 1, new Random(5));
        float[] y = x.clone();
        double k = 1.5;
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (x[i] * k);
        }
        SampleMoments a = SampleMoments.of(x, n, d);
        double meanSq = 0;
        for (double m : a.mean()) {
            meanSq += m * m;
        }
        double expected = (k - 1) * (k - 1) * (meanSq + a.trace());
        assertEquals(expected, FrechetDistance.between(a, SampleMoments.of(y, n, d)).value(), 1e-5 * expected);
    }

    /** n vectors of dimension d with correlated coordinates (each mixes its neighbour). */
    static float[] samples(int n, int d, double mean, double scale, Random rnd) {
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            double previous = 0;
            for (int k = 0; k < d; k++) {
                double z = rnd.nextGaussian();
                out[i * d + k] = (float) (mean + scale * (z + 0.5 * previous) * (1 + 0.1 * k));
                previous = z;
            }
        }
        return out;
    }

    /** A random orthogonal matrix: the eigenvectors of a random symmetric one (SymmetricEigen takes (a + a^T) / 2). */
    static double[][] orthogonal(int d, Random rnd) {
        double[][] a = new double[d][d];
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return SymmetricEigen.of(a).vectors();
    }

    /** Q^T diag(lambda) Q with the rows of q as the basis. */
    static double[][] conjugate(double[][] q, double[] lambda) {
        int d = lambda.length;
        double[][] out = new double[d][d];
        for (int k = 0; k < d; k++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    out[i][j] += lambda[k] * q[k][i] * q[k][j];
                }
            }
        }
        return out;
    }
}
