package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.pipeline.routing.RouterPlan.Interval;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hybrid plan chosen from measured x0 errors and costs.
 *
 * <p>At each grid sigma the plan takes the cheapest model whose x0 error is within
 * {@code tolerance} (relative) of the best model's error there; ties in cost go to the lower
 * error. A model worse than a cheaper one is therefore never chosen: whenever it is within
 * tolerance, so is the cheaper one. Consecutive grid points with the same model merge into one
 * interval; an interval boundary lies at the geometric midpoint of the two grid points it
 * separates, the first interval starts at 0 and the last is open above.
 *
 * <p>The window [windowLo, windowHi] is, in order of preference:
 * <ol>
 * <li>{@link WindowSource#GLOBAL_MODEL}: the hull of the grid cells assigned to the global model;</li>
 * <li>{@link WindowSource#DELTA_THRESHOLD}: when the global model is never chosen, the hull of the
 *     grid cells where Delta exceeds the threshold;</li>
 * <li>{@link WindowSource#DELTA_PEAK}: when Delta never exceeds it either, the cell of Delta's maximum.</li>
 * </ol>
 * A grid point's cell runs between the geometric midpoints to its neighbours; the outermost cells
 * end at the grid's first and last sigma, so the window stays finite and above 0. Delta is
 * normalised by the spread of D_g, which shrinks like the denoisers' linear response at high
 * noise, so Delta need not fall back to 0 above the window (it does not for exact models of the
 * two-Gaussian mixture): a window from Delta may then reach the top of the grid.
 *
 * @param sigmas       the grid
 * @param chosen       the model at each grid sigma
 * @param intervals    the merged plan, covering [0, infinity)
 * @param windowLo     lower edge of the transition window
 * @param windowHi     upper edge of the transition window
 * @param windowSource how the window was found
 */
public record HybridPlan(double[] sigmas, String[] chosen, List<Interval> intervals, double windowLo, double windowHi,
                         WindowSource windowSource) {

    public enum WindowSource {
        GLOBAL_MODEL, DELTA_THRESHOLD, DELTA_PEAK;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public HybridPlan {
        intervals = List.copyOf(intervals);
    }

    /**
     * Chooses the plan.
     *
     * @param mse            x0 error per model along the grid (NaN: that model is not eligible there)
     * @param costs          seconds per image of every model in {@code mse}
     * @param tolerance      relative slack over the best error, e.g. 0.10
     * @param globalModel    whose intervals make the window
     * @param delta          Delta(sigma) along the grid, for the fall-back window
     * @param deltaThreshold Delta above this marks the window when the global model is never chosen
     */
    public static HybridPlan select(double[] sigmas, Map<String, double[]> mse, ModelCosts costs, double tolerance,
                                    String globalModel, double[] delta, double deltaThreshold) {
        String[] chosen = choose(sigmas, mse, costs, tolerance);
        List<Interval> intervals = intervals(sigmas, chosen);
        boolean[] inWindow = new boolean[sigmas.length];
        WindowSource source = WindowSource.GLOBAL_MODEL;
        boolean any = false;
        for (int k = 0; k < sigmas.length; k++) {
            inWindow[k] = chosen[k].equals(globalModel);
            any |= inWindow[k];
        }
        if (!any) {
            source = WindowSource.DELTA_THRESHOLD;
            for (int k = 0; k < sigmas.length; k++) {
                inWindow[k] = delta[k] > deltaThreshold;
                any |= inWindow[k];
            }
        }
        if (!any) {
            source = WindowSource.DELTA_PEAK;
            int peak = -1;
            for (int k = 0; k < sigmas.length; k++) {
                if (Double.isFinite(delta[k]) && (peak < 0 || delta[k] > delta[peak])) {
                    peak = k;
                }
            }
            if (peak < 0) {
                throw new IllegalStateException("no transition window: the global model '" + globalModel
                        + "' is never chosen and Delta is undefined at every grid sigma");
            }
            inWindow[peak] = true;
        }
        int first = -1;
        int last = -1;
        for (int k = 0; k < sigmas.length; k++) {
            if (inWindow[k]) {
                first = first < 0 ? k : first;
                last = k;
            }
        }
        double lo = first == 0 ? sigmas[0] : midpoint(sigmas[first - 1], sigmas[first]);
        double hi = last == sigmas.length - 1 ? sigmas[last] : midpoint(sigmas[last], sigmas[last + 1]);
        return new HybridPlan(sigmas.clone(), chosen, intervals, lo, hi, source);
    }

    /** The cheapest model within tolerance of the best at each grid sigma. */
    public static String[] choose(double[] sigmas, Map<String, double[]> mse, ModelCosts costs, double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("field 'tolerance' must be >= 0, got " + tolerance);
        }
        for (Map.Entry<String, double[]> e : mse.entrySet()) {
            if (e.getValue().length != sigmas.length) {
                throw new IllegalArgumentException("x0 errors of model '" + e.getKey() + "' have " + e.getValue().length
                        + " values for a grid of " + sigmas.length);
            }
            costs.of(e.getKey()); // fails early, naming the model without a cost
        }
        String[] chosen = new String[sigmas.length];
        for (int k = 0; k < sigmas.length; k++) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] e : mse.values()) {
                if (e[k] < best) {
                    best = e[k]; // NaN compares false: a model without a value is skipped
                }
            }
            if (best == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("no model has an x0 error at sigma " + sigmas[k]);
            }
            String pick = null;
            for (Map.Entry<String, double[]> e : mse.entrySet()) {
                double err = e.getValue()[k];
                if (!(err <= best * (1 + tolerance))) {
                    continue;
                }
                if (pick == null || costs.of(e.getKey()) < costs.of(pick)
                        || (costs.of(e.getKey()) == costs.of(pick) && err < mse.get(pick)[k])) {
                    pick = e.getKey();
                }
            }
            chosen[k] = pick;
        }
        return chosen;
    }

    /** Merges runs of equal choices into intervals with boundaries at geometric midpoints. */
    public static List<Interval> intervals(double[] sigmas, String[] chosen) {
        if (sigmas.length == 0 || sigmas.length != chosen.length) {
            throw new IllegalArgumentException("need one chosen model per grid sigma, got " + chosen.length + " for "
                    + sigmas.length);
        }
        List<Interval> out = new ArrayList<>();
        double lo = 0;
        for (int k = 1; k < sigmas.length; k++) {
            if (!chosen[k].equals(chosen[k - 1])) {
                double boundary = midpoint(sigmas[k - 1], sigmas[k]);
                out.add(new Interval(lo, boundary, chosen[k - 1]));
                lo = boundary;
            }
        }
        out.add(new Interval(lo, Double.POSITIVE_INFINITY, chosen[sigmas.length - 1]));
        return out;
    }

    /** The model the plan uses at sigma. */
    public String modelAt(double sigma) {
        return modelAt(intervals, sigma);
    }

    /** The model of the interval holding sigma. */
    public static String modelAt(List<Interval> intervals, double sigma) {
        for (Interval i : intervals) {
            if (i.contains(sigma)) {
                return i.model();
            }
        }
        throw new IllegalArgumentException("sigma " + sigma + " is outside the plan");
    }

    static double midpoint(double a, double b) {
        return Math.sqrt(a * b);
    }
}
