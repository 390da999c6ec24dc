package dev.phaseflow.models;

/** The caller passed input a model cannot take: wrong shape, non-finite values, bad sigma. */
public class InvalidInputException extends IllegalArgumentException {
    public InvalidInputException(String message) {
        super(message);
    }
}
