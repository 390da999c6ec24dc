package dev.phaseflow.loadtest.plans;

import java.util.Map;

/**
 * A plan scored by its samples.
 *
 * @param plan        the plan over the search schedule
 * @param fd          Frechet distance of its samples against the held-out images
 * @param fdRatio     fd over the reference (global-only) plan's fd on the same seeds
 * @param cost        seconds per image of its model calls (measured per-model costs x evaluations)
 * @param speedUp     the reference plan's cost over this plan's
 * @param evaluations denoiser evaluations per image, by model
 */
public record PlanScore(StepPlan plan, double fd, double fdRatio, double cost, double speedUp,
                        Map<String, Integer> evaluations) {

    /** Whether this plan is at least as fast and at least as good as {@code o}, and better in one. */
    public boolean dominates(PlanScore o) {
        return speedUp >= o.speedUp && fdRatio <= o.fdRatio && (speedUp > o.speedUp || fdRatio < o.fdRatio);
    }
}
