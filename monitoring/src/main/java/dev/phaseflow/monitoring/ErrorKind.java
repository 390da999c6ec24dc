package dev.phaseflow.monitoring;

import java.util.Locale;

/** What went wrong, as the {@code kind} label of {@code phaseflow_errors_total}. */
public enum ErrorKind {
    /** A model produced unusable output (NaN, wrong shape). */
    MODEL_OUTPUT,
    /** A model call threw. */
    MODEL_FAILURE,
    /** Work was refused because the engine was saturated. */
    OVERLOADED,
    /** The request itself was invalid. */
    INVALID_REQUEST,
    /** Anything else: a bug. */
    INTERNAL;

    /** The label value: the name in snake case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
