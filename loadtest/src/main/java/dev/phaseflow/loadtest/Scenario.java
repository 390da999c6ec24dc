package dev.phaseflow.loadtest;

import java.util.Locale;

/** How a run's requests were sent. */
public enum Scenario {
    /** A fixed number of clients, each sending its next request when the previous one ends; the level is the client count. */
    CLOSED,
    /** Requests on a fixed arrival schedule; the level is the arrival rate (requests/s). */
    OPEN,
    /** The images for the quality metrics, sent closed-loop at the highest concurrency; the level is the client count. */
    QUALITY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
