package dev.phaseflow.actors;

import dev.phaseflow.pipeline.routing.Route;

/**
 * What the engine reports as it runs (metrics, diagnostics, tests). Called from actor and
 * inference threads: implementations must be thread-safe and quick. Every method defaults to nothing.
 */
public interface EngineObserver {

    /** How a request ended. */
    enum Outcome { COMPLETED, FAILED, CANCELLED, REJECTED }

    default void requestStarted(String requestId, int images) {}

    default void requestFinished(String requestId, Outcome outcome, int images, long nanos) {}

    default void stepRouted(Route route, String model) {}

    /** One model call: how many units (images, or tiles for tiled local models), how long they queued and computed. */
    default void modelExecuted(String model, Route route, int units, int images, long queueWaitNanos, long computeNanos) {}

    /** A model call failed; kind is model_output (NaN/Inf), model_failure or worker_lost. */
    default void modelFailed(String model, String kind) {}

    EngineObserver NONE = new EngineObserver() {};

    /** Both observers, in order. */
    default EngineObserver andThen(EngineObserver next) {
        EngineObserver first = this;
        return new EngineObserver() {
            public void requestStarted(String id, int images) {
                first.requestStarted(id, images);
                next.requestStarted(id, images);
            }

            public void requestFinished(String id, Outcome o, int images, long nanos) {
                first.requestFinished(id, o, images, nanos);
                next.requestFinished(id, o, images, nanos);
            }

            public void stepRouted(Route route, String model) {
                first.stepRouted(route, model);
                next.stepRouted(route, model);
            }

            public void modelExecuted(String model, Route route, int units, int images, long wait, long compute) {
                first.modelExecuted(model, route, units, images, wait, compute);
                next.modelExecuted(model, route, units, images, wait, compute);
            }

            public void modelFailed(String model, String kind) {
                first.modelFailed(model, kind);
                next.modelFailed(model, kind);
            }
        };
    }
}
