package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.pipeline.linalg.LinearAlgebra;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Gaussian stand-in for spatial Markovianity (phase-science.md): with clean-data covariance
 * C, the noised data has covariance C + sigma^2 I. For a value A at a central pixel, B_r = every
 * value within Chebyshev distance r of A's pixel (A excluded; other channels of A's own pixel
 * included) and C_r = the rest,
 * {@code I(A : C_r | B_r) = 0.5 log(Var(A | B_r) / Var(A | B_r, C_r))}, averaged over the values
 * of the central pixels (the 2x2 centre for even sizes).
 *
 * <p>Var(A | everything else) = 1 / (Sigma^-1)_AA from one Cholesky factor of the whole noised
 * covariance per sigma. Var(A | B_r) for every r at once from one Cholesky factor of the
 * neighbourhood block with B ordered by distance: with L L^T = Sigma_BB and w = L^-1 Sigma_BA,
 * the first |B_r| entries of w depend only on B_r, so Var(A | B_r) = Sigma_AA - sum_{j < |B_r|} w_j^2.
 */
public final class GaussianCmi {
    /** The radii of the profile: 1..6 pixels. */
    public static final int MAX_RADIUS = 6;
    /** CMI values at or below this (nats) count as zero when fitting the Markov length. */
    static final double ZERO_CMI = 1e-12;

    private GaussianCmi() {}

    /**
     * CMI by sigma and radius and the Markov length per sigma.
     *
     * @param sigmas       the noise levels
     * @param radii        1..maxRadius
     * @param cmi          cmi[k][r - 1] = I(A : C_r | B_r) at sigmas[k], in nats
     * @param markovLength xi(sigma) from log I(r) = c - r / xi; NaN with fewer than two positive
     *                     values of I, +infinity where I does not decay with r
     */
    public record Profile(double[] sigmas, int[] radii, double[][] cmi, double[] markovLength) {}

    /** The profile for r = 1..{@link #MAX_RADIUS}. */
    public static Profile profile(DataStatistics stats, double[] sigmas) {
        return profile(stats.covariance(), stats.channels(), stats.height(), stats.width(), sigmas, MAX_RADIUS);
    }

    public static Profile profile(double[][] covariance, int channels, int height, int width, double[] sigmas,
                                  int maxRadius) {
        int d = channels * height * width;
        if (covariance.length != d) {
            throw new IllegalArgumentException("covariance is " + covariance.length + " x " + covariance.length
                    + ", images of " + channels + "x" + height + "x" + width + " need " + d);
        }
        if (maxRadius < 1) {
            throw new IllegalArgumentException("maximum radius must be at least 1, got " + maxRadius);
        }
        List<Neighbourhood> centre = new ArrayList<>();
        for (int y : centralIndices(height)) {
            for (int x : centralIndices(width)) {
                for (int c = 0; c < channels; c++) {
                    centre.add(Neighbourhood.of(c, y, x, channels, height, width, maxRadius));
                }
            }
        }
        int[] radii = new int[maxRadius];
        for (int r = 1; r <= maxRadius; r++) {
            radii[r - 1] = r;
        }
        double[][] cmi = new double[sigmas.length][];
        double[] xi = new double[sigmas.length];
        for (int k = 0; k < sigmas.length; k++) {
            cmi[k] = averageCmi(covariance, sigmas[k], centre, maxRadius);
            xi[k] = markovLength(radii, cmi[k]);
        }
        return new Profile(sigmas.clone(), radii, cmi, xi);
    }

    /**
     * The Markov length: least-squares fit of log I(r) = c - r / xi over the radii with I > 0.
     * NaN with fewer than two such radii; +infinity when the fitted slope is not negative.
     */
    public static double markovLength(int[] radii, double[] cmi) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int i = 0; i < radii.length; i++) {
            if (cmi[i] > ZERO_CMI) {
                double y = Math.log(cmi[i]);
                sx += radii[i];
                sy += y;
                sxx += (double) radii[i] * radii[i];
                sxy += radii[i] * y;
                n++;
            }
        }
        if (n < 2) {
            return Double.NaN;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return slope < 0 ? -1 / slope : Double.POSITIVE_INFINITY;
    }

    /** I(A : C_r | B_r) for r = 1..maxRadius, averaged over the given centre values. */
    private static double[] averageCmi(double[][] cov, double sigma, List<Neighbourhood> centre, int maxRadius) {
        double noise = sigma * sigma;
        int d = cov.length;
        double[][] full = LinearAlgebra.cholesky(cov, noise);
        double[] mean = new double[maxRadius];
        for (Neighbourhood nb : centre) {
            double[] unit = new double[d];
            unit[nb.centre] = 1;
            double[] y = LinearAlgebra.forwardSolve(full, unit);
            double varGivenAll = 1 / LinearAlgebra.dot(y, y, d);

            int m = nb.others.length;
            double[][] block = new double[m][m];
            double[] cross = new double[m];
            for (int i = 0; i < m; i++) {
                double[] row = cov[nb.others[i]];
                for (int j = 0; j <= i; j++) {
                    block[i][j] = row[nb.others[j]];
                }
                cross[i] = row[nb.centre];
            }
            double[] w = LinearAlgebra.forwardSolve(LinearAlgebra.cholesky(block, noise), cross);
            double varA = cov[nb.centre][nb.centre] + noise;
            double explained = 0;
            int j = 0;
            for (int r = 1; r <= maxRadius; r++) {
                for (; j < nb.ringEnd[r]; j++) {
                    explained += w[j] * w[j];
                }
                double varGivenB = varA - explained;
                // B_r covering every other value leaves nothing to learn: exactly 0, not rounding noise
                double info = nb.ringEnd[r] == d - 1 ? 0 : 0.5 * Math.log(varGivenB / varGivenAll);
                mean[r - 1] += Math.max(0, info) / centre.size(); // rounding can dip just below 0
            }
        }
        return mean;
    }

    /** Rows (or columns) of the centre: the middle one for odd sizes, the middle two for even sizes. */
    static int[] centralIndices(int size) {
        return (size % 2 == 1) ? new int[] {size / 2} : new int[] {size / 2 - 1, size / 2};
    }

    /**
     * A centre value and every other value within Chebyshev distance maxRadius of its pixel, sorted
     * by distance; ringEnd[r] = how many of them lie within distance r.
     */
    private record Neighbourhood(int centre, int[] others, int[] ringEnd) {
        static Neighbourhood of(int c0, int y0, int x0, int channels, int height, int width, int maxRadius) {
            int centre = (c0 * height + y0) * width + x0;
            List<int[]> found = new ArrayList<>(); // {index, distance}
            for (int c = 0; c < channels; c++) {
                for (int y = Math.max(0, y0 - maxRadius); y <= Math.min(height - 1, y0 + maxRadius); y++) {
                    for (int x = Math.max(0, x0 - maxRadius); x <= Math.min(width - 1, x0 + maxRadius); x++) {
                        int index = (c * height + y) * width + x;
                        if (index != centre) {
                            found.add(new int[] {index, Math.max(Math.abs(y - y0), Math.abs(x - x0))});
                        }
                    }
                }
            }
            found.sort(Comparator.<int[]>comparingInt(e -> e[1]).thenComparingInt(e -> e[0]));
            int[] others = found.stream().mapToInt(e -> e[0]).toArray();
            int[] ringEnd = new int[maxRadius + 1];
            for (int[] e : found) {
                for (int r = e[1]; r <= maxRadius; r++) {
                    ringEnd[r]++;
                }
            }
            return new Neighbourhood(centre, others, ringEnd);
        }
    }
}
