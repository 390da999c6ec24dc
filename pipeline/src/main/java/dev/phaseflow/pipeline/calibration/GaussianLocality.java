package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.pipeline.linalg.LinearAlgebra;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The control for the empirical local posteriors: the same patch-local x0 error for Gaussian data
 * with the data's covariance C (exact, no sampling). For pixel value A and the values P_r within
 * Chebyshev radius r of its pixel (A included, clipped at the border),
 * {@code e_r = Var(x0_A | x_{P_r}) = C_AA - C_{A,P} (C_PP + sigma^2 I)^-1 C_{P,A}}; the full image
 * uses every value. With P ordered by distance, one Cholesky factor L L^T = C_PP + sigma^2 I of the
 * largest patch gives every radius: w = L^-1 C_{P,A}, e_r = C_AA - sum_{j < |P_r|} w_j^2.
 *
 * <p>Averaged over a lattice of pixels (every {@link #STRIDE}-th row and column, starting in the
 * middle of the first stride), so border and centre both count, as in the empirical profile.
 */
public final class GaussianLocality {
    static final int STRIDE = 4;

    private GaussianLocality() {}

    /** errors[k][j]: mean e_r at sigmas[k] for radii[j] (ascending), j = radii.length: the full image. */
    public static double[][] errors(double[][] covariance, int channels, int height, int width, double[] sigmas,
                                    int[] radii) {
        int d = channels * height * width;
        if (covariance.length != d) {
            throw new IllegalArgumentException("covariance is " + covariance.length + " x " + covariance.length
                    + ", images of " + channels + "x" + height + "x" + width + " need " + d);
        }
        int maxRadius = radii[radii.length - 1];
        List<int[]> centres = new ArrayList<>(); // {value index, y, x}
        for (int y = Math.min(STRIDE / 2, height - 1); y < height; y += STRIDE) {
            for (int x = Math.min(STRIDE / 2, width - 1); x < width; x += STRIDE) {
                for (int c = 0; c < channels; c++) {
                    centres.add(new int[] {(c * height + y) * width + x, y, x});
                }
            }
        }
        double[][] out = new double[sigmas.length][radii.length + 1];
        for (int k = 0; k < sigmas.length; k++) {
            double noise = sigmas[k] * sigmas[k];
            double[][] full = LinearAlgebra.cholesky(covariance, noise);
            for (int[] centre : centres) {
                int a = centre[0];
                double[] cross = new double[d];
                for (int i = 0; i < d; i++) {
                    cross[i] = covariance[i][a];
                }
                double[] wFull = LinearAlgebra.forwardSolve(full, cross);
                out[k][radii.length] += (covariance[a][a] - LinearAlgebra.dot(wFull, wFull, d)) / centres.size();

                List<int[]> patch = new ArrayList<>(); // {index, distance}
                for (int c = 0; c < channels; c++) {
                    for (int y = Math.max(0, centre[1] - maxRadius); y <= Math.min(height - 1, centre[1] + maxRadius); y++) {
                        for (int x = Math.max(0, centre[2] - maxRadius); x <= Math.min(width - 1, centre[2] + maxRadius); x++) {
                            patch.add(new int[] {(c * height + y) * width + x,
                                    Math.max(Math.abs(y - centre[1]), Math.abs(x - centre[2]))});
                        }
                    }
                }
                patch.sort(Comparator.<int[]>comparingInt(e -> e[1]).thenComparingInt(e -> e[0]));
                int m = patch.size();
                double[][] block = new double[m][m];
                double[] w = new double[m];
                for (int i = 0; i < m; i++) {
                    double[] row = covariance[patch.get(i)[0]];
                    for (int j = 0; j <= i; j++) {
                        block[i][j] = row[patch.get(j)[0]];
                    }
                    w[i] = row[a];
                }
                w = LinearAlgebra.forwardSolve(LinearAlgebra.cholesky(block, noise), w);
                double explained = 0;
                int i = 0;
                for (int j = 0; j < radii.length; j++) {
                    for (; i < m && patch.get(i)[1] <= radii[j]; i++) {
                        explained += w[i] * w[i];
                    }
                    out[k][j] += (covariance[a][a] - explained) / centres.size();
                }
            }
        }
        return out;
    }
}
