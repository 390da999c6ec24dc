package dev.phaseflow.pipeline.linalg;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigen-decomposition A = V diag(values) V^T of a real symmetric matrix by the cyclic Jacobi
 * method: plane rotations, each zeroing one off-diagonal pair, swept over all pairs until the
 * off-diagonal entries are negligible. O(n^3) per sweep and typically 6-10 sweeps; for the 128 x 128
 * covariances of the quality metrics that is a fraction of a second, and Jacobi is accurate for
 * small eigenvalues (relative accuracy), which the matrix square root of a near-singular
 * covariance needs.
 *
 * @param values  eigenvalues, descending
 * @param vectors {@code vectors[k]} is the unit eigenvector of {@code values[k]}
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 100;

    /** Decomposes (a + a^T) / 2; a must be square and finite. */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length + " of " + n);
            }
            for (int j = 0; j < n; j++) {
                m[i][j] = (a[i][j] + a[j][i]) / 2;
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + a[i][j]);
                }
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        double floor = 1e-18 * Math.sqrt(frobeniusSquared(m));
        boolean rotated = true;
        for (int sweep = 0; rotated; sweep++) {
            if (sweep == MAX_SWEEPS) {
                throw new IllegalStateException("Jacobi eigen-decomposition did not converge in " + MAX_SWEEPS + " sweeps");
            }
            rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotated |= rotate(m, v, p, q, floor);
                }
            }
        }
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> m[k][k]).reversed());
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = m[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v[i][order[k]]; // column order[k] of V
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * m <- J^T m J with the rotation in the (p, q) plane that zeroes m[p][q]; v <- v J. A pair
     * that is negligible against its diagonal entries (the test that keeps small eigenvalues
     * accurate) or against the matrix as a whole is set to zero without a rotation.
     */
    private static boolean rotate(double[][] m, double[][] v, int p, int q, double floor) {
        double apq = m[p][q];
        if (apq == 0) {
            return false;
        }
        if (Math.abs(apq) <= 1e-15 * Math.sqrt(Math.abs(m[p][p] * m[q][q])) || Math.abs(apq) <= floor) {
            m[p][q] = 0;
            m[q][p] = 0;
            return false;
        }
        double theta = (m[q][q] - m[p][p]) / (2 * apq);
        // the smaller root of t^2 + 2 theta t - 1 = 0 (rotation angle at most 45 degrees: stable)
        double t = Math.abs(theta) > 1e150 ? 1 / (2 * theta)
                : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = m.length;
        for (int k = 0; k < n; k++) {
            double kp = m[k][p];
            double kq = m[k][q];
            m[k][p] = c * kp - s * kq;
            m[k][q] = s * kp + c * kq;
        }
        for (int k = 0; k < n; k++) {
            double pk = m[p][k];
            double qk = m[q][k];
            m[p][k] = c * pk - s * qk;
            m[q][k] = s * pk + c * qk;
        }
        m[p][q] = 0; // exactly, not the rounding residue
        m[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double kp = v[k][p];
            double kq = v[k][q];
            v[k][p] = c * kp - s * kq;
            v[k][q] = s * kp + c * kq;
        }
        return true;
    }

    /**
     * The function f applied to the matrix: V diag(f(values)) V^T (for the square root, with
     * eigenvalues below zero, rounding residue of a positive semi-definite matrix, taken as zero).
     */
    public double[][] apply(java.util.function.DoubleUnaryOperator f) {
        int n = values.length;
        double[][] out = new double[n][n];
        for (int k = 0; k < n; k++) {
            double fk = f.applyAsDouble(values[k]);
            if (fk == 0) {
                continue;
            }
            double[] u = vectors[k];
            for (int i = 0; i < n; i++) {
                double ui = fk * u[i];
                for (int j = 0; j < n; j++) {
                    out[i][j] += ui * u[j];
                }
            }
        }
        return out;
    }

    private static double frobeniusSquared(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double x : row) {
                s += x * x;
            }
        }
        return s;
    }
}
