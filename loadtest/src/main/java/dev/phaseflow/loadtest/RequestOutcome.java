package dev.phaseflow.loadtest;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to one request of a load run. Times are {@link Ticker} nanoseconds. In a closed
 * loop the intended start is the moment the client sent it; in an open loop it is the slot of the
 * arrival schedule, which the send may miss when the generator falls behind: latencies measured
 * from it include that lag (the coordinated-omission correction).
 *
 * @param index          request number within its run (its seed is the run's base seed + index)
 * @param seed           the request's seed
 * @param intendedStart  when the request should have been sent
 * @param start          when it was sent (subscribed)
 * @param firstEvent     when its first event arrived, or -1 if none did
 * @param end            when it completed or failed
 * @param images         Image events received
 * @param steps          Step events received
 * @param evaluationsByRoute from the Completed event (empty when it failed)
 * @param evaluationsByModel from the Completed event (empty when it failed)
 * @param pixels         its images, when the run keeps them (quality runs)
 * @param timeline       its steps' routes, when the run keeps them
 * @param errorKind      null when it completed; else see {@link ErrorKinds}
 * @param errorMessage   null when it completed
 */
public record RequestOutcome(int index, long seed, long intendedStart, long start, long firstEvent, long end, int images,
                             int steps, Map<Route, Long> evaluationsByRoute, Map<String, Long> evaluationsByModel,
                             Optional<ImageBatch> pixels, List<StepRecord> timeline, String errorKind, String errorMessage) {

    /** One step of a request: which route and model denoised at which sigma. */
    public record StepRecord(int index, double sigma, Route route, String model) {}

    public boolean ok() {
        return errorKind == null;
    }

    /** End minus intended start: what a user arriving on schedule waited. */
    public long latencyNanos() {
        return end - intendedStart;
    }

    /** End minus actual send: the latency a generator that ignores its own lag would report. */
    public long serviceNanos() {
        return end - start;
    }

    /** First event minus intended start, or -1 when no event arrived. */
    public long firstEventNanos() {
        return firstEvent < 0 ? -1 : firstEvent - intendedStart;
    }

    /** How late the request was sent against its schedule. */
    public long dispatchLagNanos() {
        return start - intendedStart;
    }
}
