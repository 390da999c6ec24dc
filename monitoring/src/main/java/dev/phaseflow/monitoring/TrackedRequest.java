package dev.phaseflow.monitoring;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started request, from {@link PhaseflowMetrics#requestStarted()}. The first of
 * {@link #completed()}, {@link #failed()}, {@link #cancelled()} ends it: the in-flight gauge drops,
 * the outcome is counted and the duration observed; later calls (a cancel racing a completion)
 * return false and record nothing. Thread-safe.
 */
public final class TrackedRequest {
    private final PhaseflowMetrics metrics;
    private final long startNanos;
    private final AtomicBoolean finished = new AtomicBoolean();

    TrackedRequest(PhaseflowMetrics metrics, long startNanos) {
        this.metrics = metrics;
        this.startNanos = startNanos;
    }

    /** Ends the request as completed; true if this call ended it. */
    public boolean completed() {
        return finish(Outcome.COMPLETED);
    }

    /** Ends the request as failed; true if this call ended it. */
    public boolean failed() {
        return finish(Outcome.FAILED);
    }

    /** Ends the request as cancelled; true if this call ended it. */
    public boolean cancelled() {
        return finish(Outcome.CANCELLED);
    }

    /** Whether the request has ended. */
    public boolean isFinished() {
        return finished.get();
    }

    private boolean finish(Outcome outcome) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        metrics.finished(outcome, startNanos);
        return true;
    }
}
