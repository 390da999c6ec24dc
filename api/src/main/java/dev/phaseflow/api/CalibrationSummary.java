package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What calibration measured and chose, as router.json carries it (field {@code calibration}) and
 * {@code GET /v1/models} shows it with the router plan. Values calibration could not determine
 * are null (JSON has no NaN); fields other writers add are ignored on reading.
 *
 * @param dataset         where the calibration images came from
 * @param images          images the x0 errors average over
 * @param gridPoints      sigmas measured
 * @param gridMin         the smallest of them
 * @param gridMax         the largest of them
 * @param tolerance       relative x0-error slack of the per-sigma rule's plan
 * @param sigmaS          spectral speciation sigma_s = sqrt(Lambda_max)
 * @param dataVariance    mean per-pixel variance of the clean data (the live Delta divides by it)
 * @param window          the per-sigma rule's transition window and how it was found
 * @param schedule        the reference schedule the estimates below are for, e.g. karras-50
 * @param globalShare     share of that schedule's steps on the global model
 * @param speedUp         the plan's estimated speed-up over global-only on it
 * @param secondsPerImage each model's cost per image, in report order
 * @param costsMeasured   whether those costs were measured (or given)
 * @param planSource      plan-search or per-sigma-rule, once a plan search ran; absent before
 * @param planSearch      the plan search's budget, front and choice (its own format), once it ran; absent before
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CalibrationSummary(String dataset, Integer images, @JsonProperty("grid_points") Integer gridPoints,
                                 @JsonProperty("grid_min") Double gridMin, @JsonProperty("grid_max") Double gridMax,
                                 Double tolerance, @JsonProperty("sigma_s") Double sigmaS,
                                 @JsonProperty("data_variance") Double dataVariance, Window window, String schedule,
                                 @JsonProperty("global_share") Double globalShare, @JsonProperty("speed_up") Double speedUp,
                                 @JsonProperty("seconds_per_image") Map<String, Double> secondsPerImage,
                                 @JsonProperty("costs_measured") Boolean costsMeasured,
                                 @JsonProperty("plan_source") @JsonInclude(JsonInclude.Include.NON_NULL) String planSource,
                                 @JsonProperty("plan_search") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode planSearch) {

    /**
     * The transition window.
     *
     * @param source how it was found (e.g. delta-threshold)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Window(@JsonProperty("sigma_lo") Double sigmaLo, @JsonProperty("sigma_hi") Double sigmaHi, String source) {}

    public CalibrationSummary {
        secondsPerImage = secondsPerImage == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(secondsPerImage));
    }

    /** This summary after a plan search: where router.json's plan came from, and the search. */
    public CalibrationSummary withPlanSearch(String planSource, JsonNode planSearch) {
        return new CalibrationSummary(dataset, images, gridPoints, gridMin, gridMax, tolerance, sigmaS, dataVariance, window,
                schedule, globalShare, speedUp, secondsPerImage, costsMeasured, planSource, planSearch);
    }

    /** Each model's cost per image; empty when calibration recorded none. */
    public Map<String, Double> costs() {
        return secondsPerImage == null ? Map.of() : secondsPerImage;
    }
}
