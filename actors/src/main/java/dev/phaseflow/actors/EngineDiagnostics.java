package dev.phaseflow.actors;

import dev.phaseflow.models.ImageClassifier;
import dev.phaseflow.monitoring.PhaseDiagnostics;
import java.util.Optional;

/**
 * Live phase diagnostics of the engine: shadow evaluation (on the fraction of steps the
 * diagnostics choose, the other route's model also denoises the same x, and the disagreement
 * Delta is recorded by sigma), and class commitment (for a fraction of requests, the classifier
 * reads every step's x0 estimate; the sigma from which the predicted class no longer changes is
 * recorded). Neither changes what a request computes.
 *
 * @param diagnostics        where Delta, drift and commitment are recorded
 * @param classifier         classifies x0 estimates; empty: no commitment tracking
 * @param commitmentFraction share of requests whose class commitment is tracked
 */
public record EngineDiagnostics(PhaseDiagnostics diagnostics, Optional<ImageClassifier> classifier, double commitmentFraction) {

    public EngineDiagnostics {
        if (!(commitmentFraction >= 0 && commitmentFraction <= 1)) {
            throw new IllegalArgumentException("commitment fraction must be in [0, 1], got " + commitmentFraction);
        }
    }

    /** Whether a request's class commitment is tracked: a fixed function of its id, like shadowing. */
    public boolean tracksCommitment(String requestId) {
        if (classifier.isEmpty() || commitmentFraction == 0) {
            return false;
        }
        long h = requestId.hashCode() * 0x9E3779B97F4A7C15L;
        return (h >>> 11) * 0x1.0p-53 < commitmentFraction;
    }
}
