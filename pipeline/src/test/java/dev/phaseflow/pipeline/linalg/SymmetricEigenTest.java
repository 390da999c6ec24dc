package dev.phaseflow.pipeline.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void twoByTwoInClosedForm() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1) and (1, -1) over sqrt 2
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertArrayEquals(new double[] {3, 1}, e.values(), 1e-14);
        double r = Math.sqrt(0.5);
        assertEquals(r, Math.abs(e.vectors()[0][0]), 1e-14);
        assertEquals(e.vectors()[0][0], e.vectors()[0][1], 1e-14);
        assertEquals(-e.vectors()[1][0], e.vectors()[1][1], 1e-14);
    }

    @Test
    void reconstructsARandomSymmetricMatrixWithOrthonormalVectors() {
        double[][] a = randomSymmetric(60, new Random(1));
        SymmetricEigen e = SymmetricEigen.of(a);
        double[][] back = e.apply(x -> x);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], back[i], 1e-11, "row " + i);
        }
        for (int k = 0; k < a.length; k++) {
            for (int l = 0; l < a.length; l++) {
                assertEquals(k == l ? 1 : 0, dot(e.vectors()[k], e.vectors()[l]), 1e-12, "vectors " + k + ", " + l);
            }
            if (k > 0) {
                assertTrue(e.values()[k] <= e.values()[k - 1], "descending");
            }
        }
    }

    @Test
    void rankDeficientCovarianceHasZeroEigenvaluesAndAnExactSquareRoot() {
        // 5 vectors in 30 dimensions: rank 4 after centring
        Random rnd = new Random(2);
        int n = 5;
        int d = 30;
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        double[][] cov = SampleMoments.of(v, n, d).covariance();
        SymmetricEigen e = SymmetricEigen.of(cov);
        for (int k = 4; k < d; k++) {
            assertEquals(0, e.values()[k], 1e-12, "eigenvalue " + k);
        }
        double[][] root = e.apply(x -> Math.sqrt(Math.max(0, x)));
        double[][] square = LinearAlgebra.multiply(root, root);
        for (int i = 0; i < d; i++) {
            assertArrayEquals(cov[i], square[i], 1e-10, "row " + i + " of sqrt(S)^2");
        }
    }

    @Test
    void rejectsNonSquareAndNonFiniteMatrices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, 2}, {3}}));
        assertEquals("matrix is not square: row 1 has 1 of 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{Double.NaN}}));
    }

    static double[][] randomSymmetric(int n, Random rnd) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = a[j][i] = rnd.nextGaussian();
            }
        }
        return a;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
