package dev.phaseflow.monitoring;

import java.util.List;

/**
 * The route names the engine reports with. Plain strings (not the pipeline's enum) so that this
 * module stays a leaf; checked here so a typo cannot create a stray label value.
 */
public final class Routes {
    /** A step denoised by the local-patch model. */
    public static final String LOCAL = "local";
    /** A step denoised by the global model. */
    public static final String GLOBAL = "global";
    /** Every valid route, in label-initialisation order. */
    public static final List<String> ALL = List.of(LOCAL, GLOBAL);

    private Routes() {
    }

    /** Returns {@code route} when it is a known route name, else throws. */
    public static String check(String route) {
        // null-safe: List.of(...).contains(null) would throw a bare NullPointerException
        if (route == null || !ALL.contains(route)) {
            throw new IllegalArgumentException("unknown route " + (route == null ? "null" : "'" + route + "'")
                    + "; expected one of " + ALL);
        }
        return route;
    }
}
