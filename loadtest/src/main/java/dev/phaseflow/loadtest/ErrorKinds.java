package dev.phaseflow.loadtest;

import dev.phaseflow.actors.OverloadedException;
import dev.phaseflow.loadtest.http.RemoteSamplingException;
import dev.phaseflow.pipeline.InvalidRequestException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/** Names the kind of a failed request for the error counts of a report. */
public final class ErrorKinds {
    public static final String OVERLOADED = "overloaded";
    public static final String INVALID = "invalid";
    public static final String TIMEOUT = "timeout";
    public static final String CONNECTION = "connection";
    public static final String INCOMPLETE = "incomplete";
    public static final String FAILED = "failed";

    private ErrorKinds() {}

    /** overloaded, invalid, timeout, connection, a server's own kind, or failed. */
    public static String of(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof OverloadedException) {
            return OVERLOADED;
        }
        if (e instanceof RemoteSamplingException r) {
            return r.kind();
        }
        if (e instanceof InvalidRequestException) {
            return INVALID;
        }
        if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof ConnectException || e instanceof IOException) {
            return CONNECTION;
        }
        return FAILED;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        // Reactor and CompletableFuture wrap the cause; the kind is the innermost known one
        while (t.getCause() != null && t.getCause() != t && !(known(t))) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean known(Throwable t) {
        return t instanceof OverloadedException || t instanceof RemoteSamplingException || t instanceof InvalidRequestException
                || t instanceof TimeoutException || t instanceof IOException;
    }
}
