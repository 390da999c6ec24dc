package dev.phaseflow.pipeline.linalg;

/**
 * The little dense linear algebra calibration and the Frechet distance need, on matrices held as
 * {@code double[n][n]} (row-major; symmetric ones with both triangles filled): Cholesky factors,
 * triangular solves, the top eigenpair by power iteration and matrix products. Hand-written
 * because EJML measured 1.75-21x slower on these at phaseflow's sizes (LinearAlgebraTiming).
 */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /** The largest eigenvalue of a symmetric positive semi-definite matrix and its unit eigenvector. */
    public record Eigenpair(double value, double[] vector, int iterations) {}

    /**
     * The lower-triangular L with L L^T = a (only the lower triangle of {@code a} is read).
     *
     * @throws IllegalArgumentException when a is not positive definite (names the failing pivot)
     */
    public static double[][] cholesky(double[][] a) {
        return cholesky(a, 0);
    }

    /**
     * The Cholesky factor of a + shift * I, without copying a (calibration factors the data
     * covariance plus sigma^2 I for many sigmas).
     */
    public static double[][] cholesky(double[][] a, double shift) {
        int n = a.length;
        double[][] l = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length + " of " + n);
            }
            double[] li = new double[i + 1];
            l[i] = li; // row i is read while it is filled (j = i)
            for (int j = 0; j <= i; j++) {
                double s = a[i][j] - dot(li, l[j], j);
                if (i == j) {
                    s += shift;
                    if (!(s > 0)) {
                        throw new IllegalArgumentException("matrix is not positive definite (pivot " + i + " is " + s + ")");
                    }
                    li[i] = Math.sqrt(s);
                } else {
                    li[j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    /**
     * Solves L y = b for a lower-triangular L as returned by {@link #cholesky}. Leading zeros of b
     * are skipped, so solving for a unit vector e_k costs (n - k) rows.
     */
    public static double[] forwardSolve(double[][] l, double[] b) {
        int n = l.length;
        double[] y = new double[n];
        int first = 0;
        while (first < n && b[first] == 0) {
            first++;
        }
        for (int i = first; i < n; i++) {
            double s = b[i];
            double[] li = l[i];
            for (int k = first; k < i; k++) {
                s -= li[k] * y[k];
            }
            y[i] = s / li[i];
        }
        return y;
    }

    /**
     * The top eigenpair of a symmetric positive semi-definite matrix by power iteration from a
     * fixed start vector (so results repeat exactly). The start vector has a component along every
     * coordinate and is not orthogonal to any coordinate-aligned or constant eigenvector.
     */
    public static Eigenpair topEigenpair(double[][] a, int maxIterations, double relativeTolerance) {
        int n = a.length;
        if (n == 0) {
            throw new IllegalArgumentException("matrix is empty");
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1.0 + 0.5 * Math.sin(1.0 + i); // deterministic, spread over every coordinate
        }
        normalise(v);
        double lambda = 0;
        for (int it = 1; it <= maxIterations; it++) {
            double[] w = multiply(a, v);
            double next = dot(v, w, n); // Rayleigh quotient of the current vector
            double norm = Math.sqrt(dot(w, w, n));
            if (norm == 0) {
                return new Eigenpair(0, v, it); // the zero matrix: every vector is an eigenvector
            }
            for (int i = 0; i < n; i++) {
                w[i] /= norm;
            }
            boolean converged = Math.abs(next - lambda) <= relativeTolerance * Math.abs(next);
            lambda = next;
            v = w;
            if (converged) {
                return new Eigenpair(lambda, v, it);
            }
        }
        return new Eigenpair(lambda, v, maxIterations);
    }

    public static Eigenpair topEigenpair(double[][] a) {
        return topEigenpair(a, 5000, 1e-12);
    }

    public static double[] multiply(double[][] a, double[] v) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = dot(a[i], v, v.length);
        }
        return out;
    }

    /** The matrix product x y (rows of x that are zero are skipped). */
    public static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        int k = y.length;
        int m = y[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] row = out[i];
            for (int p = 0; p < k; p++) {
                double xip = x[i][p];
                if (xip == 0) {
                    continue;
                }
                double[] yp = y[p];
                for (int j = 0; j < m; j++) {
                    row[j] += xip * yp[j];
                }
            }
        }
        return out;
    }

    /** sum_{k < n} x[k] y[k], with four partial sums (the hot loop of the Cholesky). */
    public static double dot(double[] x, double[] y, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += x[k] * y[k];
            s1 += x[k + 1] * y[k + 1];
            s2 += x[k + 2] * y[k + 2];
            s3 += x[k + 3] * y[k + 3];
        }
        for (; k < n; k++) {
            s0 += x[k] * y[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void normalise(double[] v) {
        double norm = Math.sqrt(dot(v, v, v.length));
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
    }
}
