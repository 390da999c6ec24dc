package dev.phaseflow.models;

/** A model cannot be loaded or used: a missing or corrupt file, a bad manifest, a session error. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
