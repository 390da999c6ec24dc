package dev.phaseflow.models;

/** A model call ran but produced unusable values (NaN or infinity); worth retrying elsewhere. */
public class ModelOutputException extends ModelException {
    public ModelOutputException(String message) {
        super(message);
    }
}
