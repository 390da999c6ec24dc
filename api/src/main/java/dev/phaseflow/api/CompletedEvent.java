package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The last event of a stream that succeeded.
 *
 * @param images             images made
 * @param evaluationsByRoute model evaluations per route (local, global), in the order given
 * @param evaluationsByModel model evaluations per model, in the order given
 * @param wallSeconds        from the request's start to its last image
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CompletedEvent(Integer images, @JsonProperty("evaluations_by_route") Map<String, Long> evaluationsByRoute,
                             @JsonProperty("evaluations_by_model") Map<String, Long> evaluationsByModel,
                             @JsonProperty("wall_seconds") Double wallSeconds) {
    public static final String EVENT = "completed";
}
