package dev.phaseflow.loadtest;

import dev.phaseflow.pipeline.SampleRequest;

/**
 * The requests of a run: request i is the template with seed {@code baseSeed + i}. Every mode uses
 * the same base seed, so request i starts from the same noise in every mode.
 */
public record RequestPlan(SampleRequest template, long baseSeed) {

    public SampleRequest request(int index) {
        return template.withSeed(baseSeed + index);
    }
}
