package dev.phaseflow.pipeline.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearAlgebraTest {

    /** Q diag(values) Q^T with Q a Householder reflection I - 2 h h^T: eigenvalues known exactly. */
    static double[][] withSpectrum(double[] values, long seed) {
        int n = values.length;
        Random rng = new Random(seed);
        double[] h = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            h[i] = rng.nextGaussian();
            norm += h[i] * h[i];
        }
        norm = Math.sqrt(norm);
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = (i == j ? 1 : 0) - 2 * h[i] * h[j] / (norm * norm);
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i][k] * values[k] * q[j][k];
                }
                a[i][j] = s;
            }
        }
        return a;
    }

    @Test
    void choleskyFactorReproducesTheMatrix() {
        double[] spectrum = {5, 3, 2, 1, 0.5, 0.25, 0.1, 0.01};
        double[][] a = withSpectrum(spectrum, 7);
        double shift = 0.3;
        double[][] l = LinearAlgebra.cholesky(a, shift);
        for (int i = 0; i < a.length; i++) {
            assertEquals(i + 1, l[i].length, "row " + i + " holds the lower triangle only");
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k <= j; k++) {
                    s += l[i][k] * l[j][k];
                }
                assertEquals(a[i][j] + (i == j ? shift : 0), s, 1e-12, "(L L^T)[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void forwardSolveInvertsTheFactor() {
        double[][] a = withSpectrum(new double[] {4, 2, 1, 0.5, 0.2}, 3);
        double[][] l = LinearAlgebra.cholesky(a);
        double[] b = {0, 0, 1.5, -2, 0.25}; // leading zeros take the shortcut
        double[] y = LinearAlgebra.forwardSolve(l, b);
        for (int i = 0; i < b.length; i++) {
            double s = 0;
            for (int k = 0; k <= i; k++) {
                s += l[i][k] * y[k];
            }
            assertEquals(b[i], s, 1e-12, "row " + i);
        }
    }

    @Test
    void choleskyRejectsAMatrixThatIsNotPositiveDefinite() {
        double[][] a = {{1, 2}, {2, 1}}; // eigenvalues 3 and -1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinearAlgebra.cholesky(a));
        assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
        assertTrue(e.getMessage().contains("pivot 1"), e.getMessage());
    }

    @Test
    void powerIterationFindsTheTopEigenpair() {
        double[] spectrum = {0.3, 7.5, 2.0, 6.0, 0.0, 1.0, 0.7, 0.1, 3.3, 0.2};
        double[][] a = withSpectrum(spectrum, 11);
        LinearAlgebra.Eigenpair top = LinearAlgebra.topEigenpair(a);
        assertEquals(7.5, top.value(), 1e-9);
        double[] av = LinearAlgebra.multiply(a, top.vector());
        for (int i = 0; i < av.length; i++) {
            assertEquals(7.5 * top.vector()[i], av[i], 1e-5, "A v = lambda v, coordinate " + i);
        }
        LinearAlgebra.Eigenpair again = LinearAlgebra.topEigenpair(a);
        assertArrayEquals(top.vector(), again.vector(), "a fixed start vector repeats exactly");
    }

    @Test
    void powerIterationOfTheZeroMatrixIsZero() {
        assertEquals(0, LinearAlgebra.topEigenpair(new double[3][3]).value());
    }
}
