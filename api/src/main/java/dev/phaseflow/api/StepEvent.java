package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One solver step.
 *
 * @param index   0-based step
 * @param sigma   the sigma the step started from
 * @param route   local or global: the route of the step's first evaluation
 * @param model   the model of the step's first evaluation
 * @param models  every evaluation's model (Heun makes two)
 * @param preview base64 PNG of the x0 estimates (a grid when there are several), on preview steps only
 * @param delta   the live mean local/global disagreement at this sigma, once shadow evaluation has seen it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepEvent(Integer index, Double sigma, String route, String model, List<String> models, String preview,
                        Double delta) {
    public static final String EVENT = "step";
}
