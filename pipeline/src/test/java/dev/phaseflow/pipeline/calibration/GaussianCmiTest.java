package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.pipeline.linalg.LinearAlgebra;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GaussianCmiTest {
    static final int SIZE = 16;

    /** Squared-exponential covariance exp(-|p - q|^2 / (2 l^2)) over the pixels of a SIZE x SIZE image. */
    static double[][] smooth(double length) {
        int d = SIZE * SIZE;
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double dy = i / SIZE - j / SIZE;
                double dx = i % SIZE - j % SIZE;
                c[i][j] = Math.exp(-(dy * dy + dx * dx) / (2 * length * length));
            }
        }
        return c;
    }

    @Test
    void independentPixelsShareNoInformation() {
        int d = SIZE * SIZE;
        double[][] diagonal = new double[d][d];
        for (int i = 0; i < d; i++) {
            diagonal[i][i] = 0.2 + 0.01 * (i % 7);
        }
        GaussianCmi.Profile p = GaussianCmi.profile(diagonal, 1, SIZE, SIZE, new double[] {0.01, 0.5, 3}, 6);
        for (double[] row : p.cmi()) {
            for (double v : row) {
                assertEquals(0, v, 1e-12);
            }
        }
        for (double xi : p.markovLength()) {
            assertTrue(Double.isNaN(xi), "no positive CMI: Markov length undefined");
        }
    }

    @Test
    void correlatedPixelsShareInformationThatDecaysWithRadius() {
        GaussianCmi.Profile p = GaussianCmi.profile(smooth(1.5), 1, SIZE, SIZE, new double[] {0.3}, 6);
        double[] cmi = p.cmi()[0];
        assertEquals(6, cmi.length);
        for (int r = 1; r <= 6; r++) {
            assertTrue(cmi[r - 1] > 0, "I(r=" + r + ") = " + cmi[r - 1] + " must be positive");
            if (r > 1) {
                assertTrue(cmi[r - 1] < cmi[r - 2], "I must fall with r: I(" + r + ") = " + cmi[r - 1]
                        + " vs I(" + (r - 1) + ") = " + cmi[r - 2]);
            }
        }
        assertTrue(p.markovLength()[0] > 0 && Double.isFinite(p.markovLength()[0]));
    }

    @Test
    void longerCorrelationsGiveALongerMarkovLength() {
        double[] sigmas = {0.1, 0.3, 1.0};
        GaussianCmi.Profile shortRange = GaussianCmi.profile(smooth(1), 1, SIZE, SIZE, sigmas, 6);
        GaussianCmi.Profile longRange = GaussianCmi.profile(smooth(3), 1, SIZE, SIZE, sigmas, 6);
        for (int k = 0; k < sigmas.length; k++) {
            assertTrue(longRange.markovLength()[k] > 1.3 * shortRange.markovLength()[k], "at sigma " + sigmas[k]
                    + ": xi(l=3) " + longRange.markovLength()[k] + " vs xi(l=1) " + shortRange.markovLength()[k]);
        }
    }

    /** The ring-prefix shortcut against conditioning on each B_r separately, by direct Schur complements. */
    @Test
    void agreesWithDirectSchurComplements() {
        int size = 9; // odd: one central pixel (4, 4); r = 4 covers the whole image
        int d = size * size;
        double[][] cov = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                // exp(-L1 / 2) is a product of 1-D exponential kernels; cos(i - j) adds a rank-2 part
                double l1 = Math.abs(i / size - j / size) + Math.abs(i % size - j % size);
                cov[i][j] = Math.exp(-l1 / 2.0) + 0.1 * Math.cos(i - j);
            }
        }
        double sigma = 0.4;
        double[] profile = GaussianCmi.profile(cov, 1, size, size, new double[] {sigma}, 5).cmi()[0];
        int centre = 4 * size + 4;
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            if (i != centre) {
                all.add(i);
            }
        }
        double varAll = conditionalVariance(cov, sigma, centre, all);
        for (int r = 1; r <= 5; r++) {
            List<Integer> ring = new ArrayList<>();
            for (int i : all) {
                if (Math.max(Math.abs(i / size - 4), Math.abs(i % size - 4)) <= r) {
                    ring.add(i);
                }
            }
            double expected = ring.size() == all.size() ? 0
                    : 0.5 * Math.log(conditionalVariance(cov, sigma, centre, ring) / varAll);
            assertEquals(expected, profile[r - 1], 1e-9, "r = " + r);
        }
        assertEquals(0, profile[4], "r = 5 covers every pixel: nothing left to learn");
    }

    /** Var(A | given) = Sigma_AA - c^T Sigma_gg^-1 c, with Sigma = cov + sigma^2 I. */
    private static double conditionalVariance(double[][] cov, double sigma, int a, List<Integer> given) {
        int m = given.size();
        double[][] block = new double[m][m];
        double[] c = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                block[i][j] = cov[given.get(i)][given.get(j)] + (i == j ? sigma * sigma : 0);
            }
            c[i] = cov[given.get(i)][a];
        }
        double[] w = LinearAlgebra.forwardSolve(LinearAlgebra.cholesky(block), c);
        return cov[a][a] + sigma * sigma - LinearAlgebra.dot(w, w, m);
    }

    @Test
    void markovLengthFitsAnExponentialExactly() {
        int[] radii = {1, 2, 3, 4, 5, 6};
        double[] cmi = new double[6];
        for (int r = 1; r <= 6; r++) {
            cmi[r - 1] = Math.exp(0.7 - r / 1.7);
        }
        assertEquals(1.7, GaussianCmi.markovLength(radii, cmi), 1e-12);
        cmi[4] = 0; // zeros are left out of the fit
        cmi[5] = 0;
        assertEquals(1.7, GaussianCmi.markovLength(radii, cmi), 1e-12);
        assertTrue(Double.isNaN(GaussianCmi.markovLength(radii, new double[] {0.1, 0, 0, 0, 0, 0})));
        assertEquals(Double.POSITIVE_INFINITY, GaussianCmi.markovLength(radii, new double[] {0.1, 0.2, 0, 0, 0, 0}));
    }

    @Test
    void centralPixels() {
        assertArrayEquals(new int[] {13, 14}, GaussianCmi.centralIndices(28));
        assertArrayEquals(new int[] {4}, GaussianCmi.centralIndices(9));
    }
}
