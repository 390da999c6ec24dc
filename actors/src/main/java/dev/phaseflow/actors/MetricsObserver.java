package dev.phaseflow.actors;

import dev.phaseflow.monitoring.ErrorKind;
import dev.phaseflow.monitoring.PhaseflowMetrics;
import dev.phaseflow.monitoring.TrackedRequest;
import dev.phaseflow.pipeline.routing.Route;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Reports the engine into Prometheus metrics. */
public final class MetricsObserver implements EngineObserver {
    private final PhaseflowMetrics metrics;
    private final Map<String, TrackedRequest> requests = new ConcurrentHashMap<>();
    private final Function<String, String> tierOf;

    public MetricsObserver(PhaseflowMetrics metrics) {
        this(metrics, model -> "unmeasured");
    }

    /** @param tierOf a model's cost tier (see {@link dev.phaseflow.pipeline.routing.ModelTier}), a label of its steps */
    public MetricsObserver(PhaseflowMetrics metrics, Function<String, String> tierOf) {
        this.metrics = metrics;
        this.tierOf = tierOf;
    }

    @Override
    public void requestStarted(String requestId, int images) {
        requests.put(requestId, metrics.requestStarted());
    }

    @Override
    public void requestFinished(String requestId, Outcome outcome, int images, long nanos) {
        if (outcome == Outcome.REJECTED) {
            metrics.requestRejected();
            metrics.error(ErrorKind.OVERLOADED);
            return;
        }
        TrackedRequest r = requests.remove(requestId);
        if (r == null) {
            return;
        }
        switch (outcome) {
            case COMPLETED -> {
                r.completed();
                metrics.imagesProduced(images);
            }
            case FAILED -> r.failed();
            case CANCELLED -> r.cancelled();
            default -> throw new IllegalStateException(outcome.toString());
        }
    }

    @Override
    public void stepRouted(Route route, String model) {
        metrics.stepCompleted(route.id(), model, tierOf.apply(model));
    }

    @Override
    public void modelExecuted(String model, Route route, int units, int images, long queueWaitNanos, long computeNanos) {
        metrics.modelExecuted(model, units);
        metrics.queueWait(route.id(), queueWaitNanos / 1e9);
        metrics.computeTime(route.id(), computeNanos / 1e9);
    }

    @Override
    public void modelFailed(String model, String kind) {
        metrics.error("model_output".equals(kind) ? ErrorKind.MODEL_OUTPUT : ErrorKind.MODEL_FAILURE);
    }
}
