package dev.phaseflow.loadtest.plans;

import dev.phaseflow.pipeline.calibration.HybridPlan;
import dev.phaseflow.pipeline.calibration.ModelCosts;
import dev.phaseflow.pipeline.routing.RouterPlan.Interval;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A candidate plan as the search sees it: the model of every step of one schedule
 * ({@code models[i]} denoises at {@code sigmas[i]}). As a router plan it is sigma-keyed: the
 * boundary between two steps lies at the geometric midpoint of their sigmas, the lowest step's
 * interval reaches down to 0 and the highest one's up to infinity, so it applies to any schedule.
 *
 * @param sigmas the schedule, descending, ending in 0
 * @param models one model per step (sigmas.length - 1 of them)
 */
public record StepPlan(double[] sigmas, String[] models) {

    public StepPlan {
        if (sigmas.length < 2 || models.length != sigmas.length - 1) {
            throw new IllegalArgumentException("a step plan needs one model per step: " + models.length + " models for "
                    + (sigmas.length - 1) + " steps");
        }
        sigmas = sigmas.clone();
        models = models.clone();
    }

    /** The same model at every step. */
    public static StepPlan uniform(double[] sigmas, String model) {
        String[] m = new String[sigmas.length - 1];
        Arrays.fill(m, model);
        return new StepPlan(sigmas, m);
    }

    /** The model a sigma-keyed plan assigns to every step of the schedule. */
    public static StepPlan of(double[] sigmas, List<Interval> intervals) {
        String[] m = new String[sigmas.length - 1];
        for (int i = 0; i < m.length; i++) {
            m[i] = HybridPlan.modelAt(intervals, sigmas[i]);
        }
        return new StepPlan(sigmas, m);
    }

    public int steps() {
        return models.length;
    }

    public String model(int step) {
        return models[step];
    }

    /** A copy with step {@code i} denoised by {@code model}. */
    public StepPlan with(int i, String model) {
        String[] m = models.clone();
        m[i] = model;
        return new StepPlan(sigmas, m);
    }

    /** A copy with steps {@code [from, to)} denoised by {@code model}. */
    public StepPlan with(int from, int to, String model) {
        String[] m = models.clone();
        Arrays.fill(m, from, to, model);
        return new StepPlan(sigmas, m);
    }

    /** The sigma intervals, ascending from 0, runs of one model merged. */
    public List<Interval> intervals() {
        List<Interval> out = new ArrayList<>();
        double lo = 0;
        for (int i = models.length - 1; i > 0; i--) {
            if (!models[i].equals(models[i - 1])) {
                double boundary = Math.sqrt(sigmas[i] * sigmas[i - 1]);
                out.add(new Interval(lo, boundary, models[i]));
                lo = boundary;
            }
        }
        out.add(new Interval(lo, Double.POSITIVE_INFINITY, models[0]));
        return out;
    }

    /** Runs of one model, from the highest sigma down: [first step, last step + 1) each. */
    public List<int[]> segments() {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= models.length; i++) {
            if (i == models.length || !models[i].equals(models[start])) {
                out.add(new int[] {start, i});
                start = i;
            }
        }
        return out;
    }

    /** Denoiser evaluations per model of one image under {@code evaluationsPerStep}. */
    public Map<String, Integer> evaluations(int[] evaluationsPerStep) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < models.length; i++) {
            out.merge(models[i], 1, Integer::sum);
            if (evaluationsPerStep[i] > 1) { // the solvers' later evaluations sit at the next sigma
                out.merge(models[i + 1 < models.length ? i + 1 : i], evaluationsPerStep[i] - 1, Integer::sum);
            }
        }
        return out;
    }

    /** Seconds per image of the plan's model calls. */
    public double cost(ModelCosts costs, int[] evaluationsPerStep) {
        double total = 0;
        for (Map.Entry<String, Integer> e : evaluations(evaluationsPerStep).entrySet()) {
            total += costs.of(e.getKey()) * e.getValue();
        }
        return total;
    }

    /** Compact text: model runs from high to low sigma, e.g. "gaussian x11 > global-unet x13 > local-r4 x8". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int[] s : segments()) {
            if (!b.isEmpty()) {
                b.append(" > ");
            }
            b.append(models[s[0]]).append(" x").append(s[1] - s[0]);
        }
        return b.toString();
    }

    /** Identity for de-duplication: the models per step. */
    public String key() {
        return String.join(",", models);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepPlan p && Arrays.equals(sigmas, p.sigmas) && Arrays.equals(models, p.models);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sigmas) + Arrays.hashCode(models);
    }

    @Override
    public String toString() {
        return describe();
    }
}
