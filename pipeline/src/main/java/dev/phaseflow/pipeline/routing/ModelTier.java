package dev.phaseflow.pipeline.routing;

import java.util.Locale;

/**
 * What a model of a plan costs, for every view that names it (events, metrics, summaries, the
 * viewer): its route, its cost per image relative to the plan's most expensive model (NaN when
 * router.json carries no measured costs) and the tier that cost falls in.
 *
 * @param model        the model's name
 * @param route        local (tiled, shardable) or global (whole image)
 * @param relativeCost seconds per image over the most expensive model's
 * @param tier         {@code full} (at least 0.6), {@code mid} (0.15), {@code small} (0.03), {@code tiny}, or
 *                     {@code unmeasured}
 */
public record ModelTier(String model, Route route, double relativeCost, String tier) {

    public static ModelTier of(String model, Route route, double relativeCost) {
        return new ModelTier(model, route, relativeCost, label(relativeCost));
    }

    static String label(double relativeCost) {
        if (!Double.isFinite(relativeCost)) {
            return "unmeasured";
        }
        return relativeCost >= 0.6 ? "full" : relativeCost >= 0.15 ? "mid" : relativeCost >= 0.03 ? "small" : "tiny";
    }

    /** e.g. "global-unet-s (global, mid, 0.36x)". */
    public String describe() {
        return Double.isFinite(relativeCost)
                ? String.format(Locale.ROOT, "%s (%s, %s, %.2fx)", model, route.id(), tier, relativeCost)
                : model + " (" + route.id() + ")";
    }
}
