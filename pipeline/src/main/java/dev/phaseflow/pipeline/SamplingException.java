package dev.phaseflow.pipeline;

/** A sampling run failed while it ran (a model call failed, the engine is overloaded or closing). */
public class SamplingException extends RuntimeException {
    public SamplingException(String message) {
        super(message);
    }

    public SamplingException(String message, Throwable cause) {
        super(message, cause);
    }
}
