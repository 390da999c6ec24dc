package dev.phaseflow.loadtest;

import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one mode at one load level.
 *
 * @param scenario           how the requests were sent
 * @param mode               the routing mode
 * @param level              concurrency (closed, quality) or arrival rate in requests/s (open)
 * @param planned            requests the run was to send
 * @param sent               requests sent before the time bound
 * @param completed          requests that completed with all their images
 * @param errors             failed requests by kind (see {@link ErrorKinds})
 * @param images             images of completed requests
 * @param steps              Step events of completed requests (solver steps of a whole request)
 * @param wallSeconds        first intended start to last end
 * @param evaluationsByRoute denoiser evaluations of completed requests by route (from their Completed events)
 * @param evaluationsByModel the same by model
 * @param engineCalls        the in-process engine's batched model executions per model (empty for a remote target)
 * @param latency            end minus intended start, completed requests
 * @param serviceLatency     end minus actual send, completed requests (equal to latency in a closed loop)
 * @param firstEvent         first event minus intended start, requests that got one
 * @param maxDispatchLagMs   the latest a request was sent after its intended start (open loop; 0 in a closed loop)
 */
public record LevelResult(Scenario scenario, Mode mode, double level, int planned, int sent, int completed,
                          Map<String, Integer> errors, long images, long steps, double wallSeconds,
                          Map<Route, Long> evaluationsByRoute, Map<String, Long> evaluationsByModel,
                          Map<String, EngineCalls> engineCalls, LatencySummary latency, LatencySummary serviceLatency,
                          LatencySummary firstEvent, double maxDispatchLagMs) {

    public double imagesPerSecond() {
        return rate(images);
    }

    public double stepsPerSecond() {
        return rate(steps);
    }

    public double requestsPerSecond() {
        return rate(completed);
    }

    public int failed() {
        return errors.values().stream().mapToInt(Integer::intValue).sum();
    }

    private double rate(long n) {
        return wallSeconds > 0 ? n / wallSeconds : Double.NaN;
    }

    /** Sums up the outcomes of one run. */
    public static LevelResult of(Scenario scenario, Mode mode, double level, int planned, List<RequestOutcome> outcomes,
                                 Map<String, EngineCalls> engineCalls) {
        Map<String, Integer> errors = new TreeMap<>();
        Map<Route, Long> byRoute = new EnumMap<>(Route.class);
        for (Route r : Route.values()) {
            byRoute.put(r, 0L);
        }
        Map<String, Long> byModel = new TreeMap<>();
        long images = 0;
        long steps = 0;
        int completed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long lag = 0;
        for (RequestOutcome o : outcomes) {
            first = Math.min(first, o.intendedStart());
            last = Math.max(last, o.end());
            lag = Math.max(lag, o.dispatchLagNanos());
            if (!o.ok()) {
                errors.merge(o.errorKind(), 1, Integer::sum);
                continue;
            }
            completed++;
            images += o.images();
            steps += o.steps();
            o.evaluationsByRoute().forEach((r, n) -> byRoute.merge(r, n, Long::sum));
            o.evaluationsByModel().forEach((m, n) -> byModel.merge(m, n, Long::sum));
        }
        List<RequestOutcome> ok = outcomes.stream().filter(RequestOutcome::ok).toList();
        double wall = outcomes.isEmpty() ? 0 : (last - first) / 1e9;
        return new LevelResult(scenario, mode, level, planned, outcomes.size(), completed, errors, images, steps, wall,
                byRoute, byModel, Map.copyOf(engineCalls), LatencySummary.of(ok, RequestOutcome::latencyNanos),
                LatencySummary.of(ok, RequestOutcome::serviceNanos),
                LatencySummary.of(outcomes, RequestOutcome::firstEventNanos), lag / 1e6);
    }
}
