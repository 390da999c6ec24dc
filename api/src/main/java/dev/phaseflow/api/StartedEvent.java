package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The first event of a stream.
 *
 * @param requestId  the server's id of the request (also its X-Request-Id)
 * @param request    the request as the server understood it, every default filled in
 * @param sigmas     the schedule, steps + 1 values ending in 0
 * @param models     the models the mode uses
 * @param modelTiers each of those models' route and cost tier
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StartedEvent(@JsonProperty("request_id") String requestId, SampleRequestBody request, List<Double> sigmas,
                           List<String> models, @JsonProperty("model_tiers") List<Tier> modelTiers) {
    public static final String EVENT = "started";

    /**
     * A model of the plan.
     *
     * @param route        local or global
     * @param tier         full, mid, small, tiny or unmeasured
     * @param relativeCost seconds per image over the plan's most expensive model's; absent when not measured
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tier(String model, String route, String tier, @JsonProperty("relative_cost") Double relativeCost) {}
}
