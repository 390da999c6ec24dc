package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.app.http.PhaseflowServer;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Drain, deadline, admission and connection limits of {@code serve} and {@code node} (README "Reliability"). */
public final class ReliabilityOptions {
    @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "On SIGTERM, how long running requests get to finish before they end with an error event "
                    + "(default ${DEFAULT-VALUE}).")
    double drainSeconds;

    @Option(names = "--no-worker-timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "Work for a model with no worker (a cluster whose worker nodes are gone) waits this long for "
                    + "one to come back, then its request ends with an error naming the model (default ${DEFAULT-VALUE}).")
    double noWorkerSeconds;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Deadline of every request (a request's own 'timeout' may be shorter); past it the run ends "
                    + "with an error event (default ${DEFAULT-VALUE}).")
    double requestSeconds;

    @Option(names = "--max-queue-wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "Admit a request only while the estimated wait for the work already admitted (from the models' "
                    + "measured service rates) is under this; past it 503 with Retry-After the estimated wait "
                    + "(default ${DEFAULT-VALUE}).")
    double maxQueueWaitSeconds;

    @Option(names = "--header-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "A request's headers must be complete within this of its first byte, its body within as long "
                    + "again (default ${DEFAULT-VALUE}).")
    double headerSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "A connection without a request (before the first, between keep-alive ones) is closed after "
                    + "this (default ${DEFAULT-VALUE}).")
    double idleSeconds;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "A client that takes nothing of its response for this long is disconnected, which cancels its "
                    + "request and frees its slot (default ${DEFAULT-VALUE}).")
    double stallSeconds;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
            description = "Open connections at once; past it new ones are closed at once (default ${DEFAULT-VALUE}).")
    int maxConnections;

    /** The server's connection limits. */
    PhaseflowServer.Connections connections() {
        return new PhaseflowServer.Connections(positive(headerSeconds, "--header-timeout"), positive(idleSeconds, "--idle-timeout"),
                positive(stallSeconds, "--stall-timeout"), maxConnections);
    }

    private static Duration positive(double s, String option) {
        Duration d = seconds(s, option);
        if (d.isZero()) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return d;
    }

    /** The engine settings with these limits. */
    EngineConfig apply(EngineConfig config) {
        return config.withDrainTimeout(seconds(drainSeconds, "--drain-timeout"))
                .withNoWorkerTimeout(seconds(noWorkerSeconds, "--no-worker-timeout"))
                .withRequestTimeout(positive(requestSeconds, "--request-timeout"))
                .withMaxQueueWait(seconds(maxQueueWaitSeconds, "--max-queue-wait"));
    }

    static Duration seconds(double s, String option) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(option + " must be a number of seconds >= 0, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
