package dev.phaseflow.api;

/** JSON that does not fit a wire record; the message names the field and what it should have been. */
public final class WireException extends IllegalArgumentException {
    private final String field;

    public WireException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The field at fault ("count", "window.sigma_lo"), or null when the value as a whole is wrong. */
    public String field() {
        return field;
    }
}
