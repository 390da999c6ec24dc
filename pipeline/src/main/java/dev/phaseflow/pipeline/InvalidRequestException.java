package dev.phaseflow.pipeline;

/** A sample request that cannot run; names the offending field. */
public class InvalidRequestException extends IllegalArgumentException {
    private final String field;

    public InvalidRequestException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
