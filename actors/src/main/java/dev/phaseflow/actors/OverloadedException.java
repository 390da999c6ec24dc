package dev.phaseflow.actors;

import dev.phaseflow.pipeline.SamplingException;

/** The engine is at its admission limit (or shutting down); the request was not started. */
public class OverloadedException extends SamplingException {
    private final int retryAfterSeconds;

    public OverloadedException(String message) {
        this(message, 1);
    }

    public OverloadedException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When to try again: the estimated wait for the work already admitted, in whole seconds (at least 1). */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
