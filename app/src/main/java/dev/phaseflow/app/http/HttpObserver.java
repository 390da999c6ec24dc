package dev.phaseflow.app.http;

/**
 * Told about every HTTP exchange (for metrics). Called from Netty event-loop threads:
 * implementations must be thread-safe and must not block.
 */
public interface HttpObserver {

    /** A request arrived; {@code endpoint} is the matched path ("unmatched" for 404s). */
    default void requestStarted(String endpoint, String method) {}

    /** Its response ended (or the client went away) with {@code status}. */
    default void requestFinished(String endpoint, String method, int status, long nanos) {}

    HttpObserver NONE = new HttpObserver() {};
}
