package dev.phaseflow.app.http;

import dev.phaseflow.api.ErrorBody;

/**
 * A request the server answers with an error status and the JSON body
 * {@code {"error": code, "message": text, "field": name?}}. Handlers throw it; the server turns
 * it into the response, so every 4xx/5xx has the same shape.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final String field;
    private final int retryAfterSeconds;

    public ApiException(int status, String error, String message, String field) {
        this(status, error, message, field, 1);
    }

    private ApiException(int status, String error, String message, String field, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.error = error;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 503 that says when to come back. */
    public static ApiException unavailable(String error, String message, int retryAfterSeconds) {
        return new ApiException(503, error, message, null, Math.max(1, retryAfterSeconds));
    }

    /** The Retry-After of a 503, in seconds. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public ApiException(int status, String error, String message) {
        this(status, error, message, null);
    }

    /** 400 naming the offending field of the request body. */
    public static ApiException invalidField(String field, String message) {
        return new ApiException(400, "invalid_request", message, field);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The response body, and the data of a stream's error event. */
    public ErrorBody toBody() {
        return new ErrorBody(error, getMessage(), field);
    }
}
