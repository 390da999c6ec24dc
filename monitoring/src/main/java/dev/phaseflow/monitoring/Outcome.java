package dev.phaseflow.monitoring;

import java.util.Locale;

/** How a request ended, as the {@code outcome} label of the request metrics. */
public enum Outcome {
    COMPLETED,
    FAILED,
    CANCELLED,
    /** Refused at admission: never started, so it has no duration and was never in flight. */
    REJECTED;

    /** The label value: the name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
