package dev.phaseflow.actors;

import dev.phaseflow.pipeline.routing.Route;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The wait a new request would have behind the work already admitted, from measured service
 * rates: {@code wait = sum over models of (image evaluations left) x (seconds per image
 * evaluation) / parallelism}. Seconds per image evaluation is a moving average of each model's
 * calls (compute time over images, so batching shows in it); parallelism is the measured compute
 * seconds per wall second over half-second windows that began with more work queued than the
 * engine could finish in them (about the number of calls the cores run at once; until such a
 * window, the engine's guess). Admitted requests report their progress by step, so the work left shrinks as they run.
 * Thread-safe; called from the engine's admission and from batchers.
 */
final class QueueWaitEstimator implements EngineObserver {
    /** Weight of the newest measurement in the moving averages. */
    static final double ALPHA = 0.2;
    static final long WINDOW_NANOS = 500_000_000L;

    private final LongSupplier clock;
    private final Map<String, Double> secondsPerImage = new HashMap<>();
    private final Map<String, Long> left = new HashMap<>();
    private double parallelism;
    private long windowStart;
    private long windowComputeNanos;
    /** The window began with more work queued than the engine could do in it: a measure of its full rate. */
    private boolean windowSaturated;
    private boolean parallelismMeasured;

    /** A request's work left, by model; the engine keeps it and reports progress with it. */
    static final class Ticket {
        private final Map<String, Long> left;
        private final int images;

        private Ticket(Map<String, Long> left, int images) {
            this.left = left;
            this.images = images;
        }
    }

    QueueWaitEstimator(double initialParallelism, LongSupplier clock) {
        this.parallelism = initialParallelism;
        this.clock = clock;
        this.windowStart = clock.getAsLong();
    }

    /** A request admitted with {@code evaluations} image evaluations per model (images x steps routed there). */
    synchronized Ticket admit(Map<String, Long> evaluations, int images) {
        Map<String, Long> own = new HashMap<>(evaluations);
        own.forEach((m, n) -> left.merge(m, n, Long::sum));
        return new Ticket(own, images);
    }

    /** The request evaluated each of {@code models} once for its images (one step). */
    synchronized void stepDone(Ticket t, List<String> models) {
        for (String m : models) {
            long had = t.left.getOrDefault(m, 0L);
            long done = Math.min(had, t.images);
            if (done > 0) {
                t.left.put(m, had - done);
                left.merge(m, -done, Long::sum);
            }
        }
    }

    /** The request ended, however: what it had left is no longer queued. */
    synchronized void finished(Ticket t) {
        t.left.forEach((m, n) -> left.merge(m, -n, Long::sum));
        t.left.clear();
    }

    @Override
    public synchronized void modelExecuted(String model, Route route, int units, int images, long queueWaitNanos,
                                           long computeNanos) {
        if (images > 0) {
            double perImage = computeNanos / 1e9 / images;
            secondsPerImage.merge(model, perImage, (old, now) -> old + ALPHA * (now - old));
        }
        roll();
        windowComputeNanos += computeNanos;
    }

    /** Closes the measuring window once it is half a second old: while work was outstanding, its compute per wall time. */
    private void roll() {
        long now = clock.getAsLong();
        long wall = now - windowStart;
        if (wall < WINDOW_NANOS) {
            return;
        }
        if (windowSaturated && windowComputeNanos > 0 && workSeconds() > 0) {
            double measured = (double) windowComputeNanos / wall;
            // the first busy window replaces the guess; later ones move the average
            parallelism = parallelismMeasured ? parallelism + ALPHA * (measured - parallelism) : measured;
            parallelismMeasured = true;
        }
        windowStart = now;
        windowComputeNanos = 0;
        windowSaturated = workSeconds() >= 2.0 * WINDOW_NANOS / 1e9 * parallelism;
    }

    /** Compute seconds of the work left. */
    private double workSeconds() {
        double seconds = 0;
        for (Map.Entry<String, Long> e : left.entrySet()) {
            seconds += Math.max(0, e.getValue()) * secondsPerImage.getOrDefault(e.getKey(), 0.0);
        }
        return seconds;
    }

    /** Seconds a request admitted now would wait for the work ahead of it (0 before any model call is measured). */
    synchronized double waitSeconds() {
        roll();
        return workSeconds() / Math.max(0.05, parallelism);
    }

    /** The measured parallelism (compute seconds per wall second). */
    synchronized double parallelism() {
        return parallelism;
    }
}
