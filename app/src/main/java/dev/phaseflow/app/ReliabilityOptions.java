package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Drain, deadline and admission limits of {@code serve} and {@code node} (defaults in README "Reliability"). */
public final class ReliabilityOptions {
    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "On SIGTERM, how long running requests get to finish before they end with an error event "
                    + "(default ${DEFAULT-VALUE}).")
    double drainSeconds;

    /** The engine settings with these limits. */
    EngineConfig apply(EngineConfig config) {
        return config.withDrainTimeout(seconds(drainSeconds, "--drain-timeout"));
    }

    static Duration seconds(double s, String option) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(option + " must be a number of seconds >= 0, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
