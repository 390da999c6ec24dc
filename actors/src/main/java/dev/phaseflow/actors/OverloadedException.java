package dev.phaseflow.actors;

import dev.phaseflow.pipeline.SamplingException;

/** The engine is at its admission limit (or shutting down); the request was not started. */
public class OverloadedException extends SamplingException {
    public OverloadedException(String message) {
        super(message);
    }
}
