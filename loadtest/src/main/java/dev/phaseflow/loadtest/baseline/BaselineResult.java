package dev.phaseflow.loadtest.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The PyTorch baseline's outcome.
 *
 * @param status          ran, skipped (not possible here) or failed (tried and broke)
 * @param reason          why it was skipped or failed; empty when it ran
 * @param imagesPerSecond its throughput; NaN unless it ran
 * @param details         everything the script printed (settings, weights, golden check)
 */
public record BaselineResult(String status, String reason, double imagesPerSecond, JsonNode details) {

    public static BaselineResult ran(double imagesPerSecond, JsonNode details) {
        return new BaselineResult("ran", "", imagesPerSecond, details);
    }

    public static BaselineResult skipped(String reason) {
        return new BaselineResult("skipped", reason, Double.NaN, MissingNode.getInstance());
    }

    public static BaselineResult failed(String reason, JsonNode details) {
        return new BaselineResult("failed", reason, Double.NaN, details);
    }

    public boolean ran() {
        return status.equals("ran");
    }
}
