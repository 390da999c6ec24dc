package dev.phaseflow.loadtest.plans;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration's per-sigma x0 error of every model, read at any sigma by interpolation in
 * log sigma and log error (clamped to the grid's ends). The search uses it only to prune: which
 * models are worth trying at a step, and the per-sigma tolerance rule's seed plans.
 *
 * @param sigmas ascending grid
 * @param mse    error per model along the grid (NaN where a model has none)
 */
public record ErrorTable(double[] sigmas, Map<String, double[]> mse) {

    public ErrorTable {
        sigmas = sigmas.clone();
        mse = new LinkedHashMap<>(mse);
        for (Map.Entry<String, double[]> e : mse.entrySet()) {
            if (e.getValue().length != sigmas.length) {
                throw new IllegalArgumentException("x0 errors of model '" + e.getKey() + "' have " + e.getValue().length
                        + " values for a grid of " + sigmas.length);
            }
        }
    }

    public List<String> models() {
        return List.copyOf(mse.keySet());
    }

    /** The error of a model at sigma (NaN when it has none near there). */
    public double at(String model, double sigma) {
        double[] e = mse.get(model);
        if (e == null) {
            throw new IllegalArgumentException("no x0 errors for model '" + model + "' (have " + mse.keySet() + ")");
        }
        if (sigma <= sigmas[0]) {
            return e[0];
        }
        int n = sigmas.length;
        if (sigma >= sigmas[n - 1]) {
            return e[n - 1];
        }
        int k = 1;
        while (sigmas[k] < sigma) {
            k++;
        }
        double t = (Math.log(sigma) - Math.log(sigmas[k - 1])) / (Math.log(sigmas[k]) - Math.log(sigmas[k - 1]));
        return Math.exp((1 - t) * Math.log(e[k - 1]) + t * Math.log(e[k]));
    }

    /** The lowest error of any model at sigma. */
    public double best(double sigma) {
        double best = Double.POSITIVE_INFINITY;
        for (String m : mse.keySet()) {
            double v = at(m, sigma);
            if (v < best) {
                best = v;
            }
        }
        return best;
    }
}
