package dev.phaseflow.loadtest.http;

import dev.phaseflow.pipeline.SamplingException;

/** A phaseflow server refused or failed a request; {@code kind} is its error kind (overloaded, invalid, failed, http_500...). */
public class RemoteSamplingException extends SamplingException {
    private final String kind;

    public RemoteSamplingException(String kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
