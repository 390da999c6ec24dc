package dev.phaseflow.pipeline.calibration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nonparametric locality profile: what the empirical local posteriors of growing radius say
 * about how far a denoiser must look at each sigma, beside the trained models.
 *
 * <ul>
 * <li><b>Needed radius</b> ({@link #neededRadius()}): the smallest radius whose empirical local
 *     posterior is within the tolerance of the best empirical posterior at that sigma (any radius
 *     or the full image) - an operational Markov length in pixels, the seeds' criterion. NaN where
 *     only the full image is good enough (the needed radius is beyond the largest radius measured).
 *     {@link #neededRadiusVsModels()} measures against the best of everything, trained models
 *     included (NaN where no empirical posterior reaches the trained models).</li>
 * <li><b>Gap length</b> ({@link #gapLength()}): the decay of the error gap with r, fitted as
 *     e(r) = e_inf + A exp(-r / xi), the exponential form of the Gaussian CMI's Markov length.</li>
 * <li><b>Reach</b> ({@link #reached(int)}): per radius, the sigmas where the empirical local posterior
 *     is within the plan tolerance of the best trained model: where a local model of that radius,
 *     trained perfectly, could replace the global one. The empirical posterior is one patch-local
 *     denoiser, so the Bayes-optimal one of that radius is at least as good: the reach is a lower
 *     bound on where a perfect local model would be good enough.</li>
 * </ul>
 *
 * @param sigmas          the grid
 * @param radii           patch radii, ascending
 * @param subsets         training-set prefix sizes, ascending (the last is the prior the profile uses)
 * @param empirical       empirical[c][k][j]: x0 mse with subsets[c] training images at sigmas[k], radius radii[j]
 *                        (j = radii.length: the full image)
 * @param models          trained models' x0 mse along the grid, by name
 * @param localRadii      receptive radius of each trained local model, by name
 * @param tolerance       the plan's relative tolerance
 * @param gaussianLength  the Gaussian-CMI Markov length at the same sigmas
 * @param gaussianErrors  the control: patch-local x0 error of Gaussian data with the data's covariance,
 *                        [k][j] like one subset of {@code empirical} ({@link GaussianLocality})
 * @param queries         held-out images averaged over
 */
public record LocalityProfile(double[] sigmas, int[] radii, int[] subsets, double[][][] empirical,
                              Map<String, double[]> models, Map<String, Integer> localRadii, double tolerance,
                              double[] gaussianLength, double[][] gaussianErrors, int queries) {

    public LocalityProfile {
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        localRadii = Collections.unmodifiableMap(new LinkedHashMap<>(localRadii));
        if (empirical.length != subsets.length || empirical[0].length != sigmas.length
                || empirical[0][0].length != radii.length + 1) {
            throw new IllegalArgumentException("locality profile: empirical errors need [subsets][sigmas][radii + 1]");
        }
    }

    /** The errors with the whole prior: [k][j]. */
    public double[][] errors() {
        return empirical[empirical.length - 1];
    }

    /** Error of one radius (or {@link EmpiricalPosterior#FULL}) along the grid. */
    public double[] errors(int radius) {
        int j = index(radius);
        double[] out = new double[sigmas.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = errors()[k][j];
        }
        return out;
    }

    /** The best empirical posterior's error (any radius or the full image) per sigma. */
    public double[] bestEmpirical() {
        return bestEmpirical(errors());
    }

    /** The best trained model's error per sigma (NaN without models). */
    public double[] bestModel() {
        double[] best = new double[sigmas.length];
        Arrays.fill(best, Double.NaN);
        for (double[] e : models.values()) {
            for (int k = 0; k < best.length; k++) {
                best[k] = Double.isNaN(best[k]) ? e[k] : Math.min(best[k], e[k]);
            }
        }
        return best;
    }

    /** Name of the best trained model per sigma (null without models). */
    public String[] bestModelName() {
        String[] names = new String[sigmas.length];
        double[] best = bestModel();
        for (Map.Entry<String, double[]> e : models.entrySet()) {
            for (int k = 0; k < names.length; k++) {
                if (names[k] == null && e.getValue()[k] == best[k]) {
                    names[k] = e.getKey();
                }
            }
        }
        return names;
    }

    /** Smallest radius within the tolerance of the best empirical posterior; NaN: beyond the largest radius. */
    public double[] neededRadius() {
        return neededRadius(errors(), bestEmpirical());
    }

    /** The needed radius with each training subset: [c][k] (how stable the answer is in the prior's size). */
    public double[][] neededRadiusBySubset() {
        double[][] out = new double[subsets.length][];
        for (int c = 0; c < subsets.length; c++) {
            out[c] = neededRadius(empirical[c], bestEmpirical(empirical[c]));
        }
        return out;
    }

    /** The needed radius of the Gaussian control: smallest r within the tolerance of its full-image error. */
    public double[] neededRadiusGaussian() {
        return neededRadius(gaussianErrors, bestEmpirical(gaussianErrors));
    }

    /** Per sigma, the largest relative change (over radii) from subsets[c] to the largest subset. */
    public double[] relativeChangeBySigma(int c) {
        double[] out = new double[sigmas.length];
        double[][] last = errors();
        for (int k = 0; k < sigmas.length; k++) {
            for (int j = 0; j <= radii.length; j++) {
                out[k] = Math.max(out[k], Math.abs(empirical[c][k][j] / last[k][j] - 1));
            }
        }
        return out;
    }

    /** Smallest radius within the tolerance of the best of all (empirical and trained); NaN: none. */
    public double[] neededRadiusVsModels() {
        double[] ref = bestEmpirical();
        double[] model = bestModel();
        for (int k = 0; k < ref.length; k++) {
            ref[k] = Double.isNaN(model[k]) ? ref[k] : Math.min(ref[k], model[k]);
        }
        return neededRadius(errors(), ref);
    }

    /**
     * Fitted decay length of the error gap per sigma: e(r) = e_inf + A exp(-r / xi) with A > 0,
     * least squares over the radii up to the best radius (beyond it a finite training set makes
     * larger patches worse, not better; all radii when the full image is best). The asymptote e_inf
     * is fitted rather than taken as the smallest error, which would bias xi low. NaN with fewer than
     * three radii or no decay; +infinity when the best fit does not decay within {@link #MAX_GAP_LENGTH}.
     */
    public double[] gapLength() {
        double[][] e = errors();
        double[] xi = new double[sigmas.length];
        for (int k = 0; k < sigmas.length; k++) {
            int argmin = 0;
            for (int j = 1; j <= radii.length; j++) {
                argmin = e[k][j] < e[k][argmin] ? j : argmin;
            }
            int used = Math.min(argmin + 1, radii.length);
            double[] r = new double[used];
            double[] y = new double[used];
            for (int j = 0; j < used; j++) {
                r[j] = radii[j];
                y[j] = e[k][j];
            }
            xi[k] = decayLength(r, y);
        }
        return xi;
    }

    /** Largest decay length the gap fit tries (pixels); a fit at this bound reads as +infinity. */
    static final double MAX_GAP_LENGTH = 100;

    /**
     * xi of y = c + A exp(-r / xi), A > 0, by least squares: for each xi on a log grid 0.05..MAX the
     * best (c, A) is linear; the xi with the smallest residual wins.
     */
    static double decayLength(double[] r, double[] y) {
        if (r.length < 3) {
            return Double.NaN;
        }
        double best = Double.POSITIVE_INFINITY;
        double bestXi = Double.NaN;
        int steps = 2000;
        double lo = Math.log(0.05);
        double hi = Math.log(MAX_GAP_LENGTH);
        for (int i = 0; i <= steps; i++) {
            double xi = Math.exp(lo + (hi - lo) * i / steps);
            double sf = 0, sff = 0, sy = 0, sfy = 0, syy = 0;
            for (int j = 0; j < r.length; j++) {
                double f = Math.exp(-r[j] / xi);
                sf += f;
                sff += f * f;
                sy += y[j];
                sfy += f * y[j];
                syy += y[j] * y[j];
            }
            int n = r.length;
            double det = n * sff - sf * sf;
            if (!(det > 1e-300)) {
                continue;
            }
            double a = (n * sfy - sf * sy) / det;
            double c = (sy - a * sf) / n;
            if (!(a > 0)) {
                continue;
            }
            double residual = syy - 2 * (c * sy + a * sfy) + n * c * c + 2 * c * a * sf + a * a * sff;
            if (residual < best) {
                best = residual;
                bestXi = xi;
            }
        }
        return bestXi >= MAX_GAP_LENGTH * (1 - 1e-9) ? Double.POSITIVE_INFINITY : bestXi;
    }

    /** Sigmas where the radius-r empirical posterior is within the plan tolerance of the best trained model. */
    public boolean[] reached(int radius) {
        return withinTolerance(errors(radius));
    }

    /** Sigmas where a trained model is within the plan tolerance of the best trained model. */
    public boolean[] reachedByModel(String model) {
        double[] e = models.get(model);
        if (e == null) {
            throw new IllegalArgumentException("locality profile: no errors for model '" + model + "'");
        }
        return withinTolerance(e);
    }

    /**
     * The window a denoiser that is good enough at {@code reached} sigmas leaves to the global model:
     * [lowest, highest] grid sigma not reached; {NaN, NaN} when every sigma is reached.
     */
    public double[] window(boolean[] reached) {
        int lo = -1;
        int hi = -1;
        for (int k = 0; k < reached.length; k++) {
            if (!reached[k]) {
                lo = lo < 0 ? k : lo;
                hi = k;
            }
        }
        return lo < 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {sigmas[lo], sigmas[hi]};
    }

    /** Runs of consecutive reached grid sigmas as [lo, hi] pairs. */
    public List<double[]> ranges(boolean[] reached) {
        List<double[]> out = new ArrayList<>();
        for (int k = 0; k < reached.length; k++) {
            if (reached[k] && (k == 0 || !reached[k - 1])) {
                int end = k;
                while (end + 1 < reached.length && reached[end + 1]) {
                    end++;
                }
                out.add(new double[] {sigmas[k], sigmas[end]});
            }
        }
        return out;
    }

    /**
     * Where the needed radius peaks: the grid index of its largest value (beyond the largest radius
     * counts as larger than every radius; ties: the first).
     */
    public int peakIndex() {
        double[] needed = neededRadius();
        int peak = 0;
        for (int k = 1; k < needed.length; k++) {
            if (rank(needed[k]) > rank(needed[peak])) {
                peak = k;
            }
        }
        return peak;
    }

    /** Largest relative change of any error from subsets[c] to the largest subset: how converged the prior is. */
    public double maxRelativeChange(int c) {
        double max = 0;
        double[][] last = errors();
        for (int k = 0; k < sigmas.length; k++) {
            for (int j = 0; j <= radii.length; j++) {
                max = Math.max(max, Math.abs(empirical[c][k][j] / last[k][j] - 1));
            }
        }
        return max;
    }

    /** Median over sigmas and radii of the relative change from subsets[c] to the largest subset. */
    public double medianRelativeChange(int c) {
        double[][] last = errors();
        double[] changes = new double[sigmas.length * (radii.length + 1)];
        int i = 0;
        for (int k = 0; k < sigmas.length; k++) {
            for (int j = 0; j <= radii.length; j++) {
                changes[i++] = Math.abs(empirical[c][k][j] / last[k][j] - 1);
            }
        }
        Arrays.sort(changes);
        int m = changes.length / 2;
        return changes.length % 2 == 1 ? changes[m] : 0.5 * (changes[m - 1] + changes[m]);
    }

    private double rank(double radius) {
        return Double.isNaN(radius) ? Double.POSITIVE_INFINITY : radius;
    }

    private boolean[] withinTolerance(double[] e) {
        double[] best = bestModel();
        boolean[] out = new boolean[sigmas.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = !Double.isNaN(best[k]) && e[k] <= (1 + tolerance) * best[k];
        }
        return out;
    }

    private double[] neededRadius(double[][] e, double[] reference) {
        double[] needed = new double[sigmas.length];
        for (int k = 0; k < sigmas.length; k++) {
            needed[k] = Double.NaN;
            for (int j = 0; j < radii.length; j++) {
                if (e[k][j] <= (1 + tolerance) * reference[k]) {
                    needed[k] = radii[j];
                    break;
                }
            }
        }
        return needed;
    }

    private static double[] bestEmpirical(double[][] e) {
        double[] best = new double[e.length];
        for (int k = 0; k < e.length; k++) {
            best[k] = Arrays.stream(e[k]).min().orElse(Double.NaN);
        }
        return best;
    }

    private int index(int radius) {
        if (radius == EmpiricalPosterior.FULL) {
            return radii.length;
        }
        int j = Arrays.binarySearch(radii, radius);
        if (j < 0) {
            throw new IllegalArgumentException("locality profile: radius " + radius + " not measured (radii "
                    + Arrays.toString(radii) + ")");
        }
        return j;
    }
}
