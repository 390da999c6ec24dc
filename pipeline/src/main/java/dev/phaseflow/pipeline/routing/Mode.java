package dev.phaseflow.pipeline.routing;

import java.util.Locale;

/** Which models a sampling run uses at which sigma. */
public enum Mode {
    /** The calibrated plan: cheap models outside the transition window, the global model inside. */
    HYBRID,
    /** The global model at every step (the quality reference). */
    GLOBAL,
    /** The local model at every step. */
    LOCAL,
    /** The control: global outside the window, local inside it. */
    SWAPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String id) {
        for (Mode m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + id + "' (expected hybrid, global, local or swapped)");
    }
}
