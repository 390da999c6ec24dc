package dev.phaseflow.monitoring;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.LongSupplier;

/**
 * The engine's operational metrics: requests, images, steps by route, model executions and batch
 * sizes, queue wait and compute time by route, errors by kind. Every method is thread-safe.
 *
 * <p>All metrics register on one {@link PrometheusRegistry}; a registry holds at most one
 * {@code PhaseflowMetrics} (a second one fails on the duplicate names). Label values that are
 * known up front (routes, outcomes, error kinds) are initialised to zero so that {@code rate()}
 * sees a series from the first scrape.
 */
public final class PhaseflowMetrics {
    /** End-to-end request latency: 10 ms .. 10 min. */
    static final double[] REQUEST_SECONDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 600};
    /** Queue wait and compute time of one step: 100 us .. 30 s. */
    static final double[] STEP_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** Items in one model call: powers of two up to 512. */
    static final double[] BATCH_SIZES = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

    private final PrometheusRegistry registry;
    private final LongSupplier nanoClock;
    private final Counter requestsStarted;
    private final Counter requestsFinished;
    private final Gauge inflight;
    private final Histogram requestDuration;
    private final Counter images;
    private final Counter steps;
    private final Counter modelSteps;
    private final Counter modelExecutions;
    private final Histogram batchSize;
    private final Histogram queueWait;
    private final Histogram compute;
    private final Counter errors;

    /** On a new registry of its own, without JVM metrics. */
    public PhaseflowMetrics() {
        this(new PrometheusRegistry());
    }

    /** On the embedder's registry, without JVM metrics. */
    public PhaseflowMetrics(PrometheusRegistry registry) {
        this(registry, false);
    }

    /**
     * On the embedder's registry; with {@code jvmMetrics} also the standard JVM metrics (memory,
     * GC, threads...), which the client library registers at most once per registry.
     */
    public PhaseflowMetrics(PrometheusRegistry registry, boolean jvmMetrics) {
        this(registry, jvmMetrics, System::nanoTime);
    }

    /** With a clock for request durations, so tests can make them exact. */
    PhaseflowMetrics(PrometheusRegistry registry, boolean jvmMetrics, LongSupplier nanoClock) {
        if (registry == null || nanoClock == null) {
            throw new IllegalArgumentException("registry and clock are required");
        }
        this.registry = registry;
        this.nanoClock = nanoClock;
        requestsStarted = Counter.builder().name("phaseflow_requests_started_total")
                .help("Requests admitted and started.").register(registry);
        requestsFinished = Counter.builder().name("phaseflow_requests_finished_total")
                .help("Requests that ended, by outcome; rejected ones were never started.")
                .labelNames("outcome").register(registry);
        inflight = Gauge.builder().name("phaseflow_inflight_requests")
                .help("Requests started and not yet finished.").register(registry);
        requestDuration = Histogram.builder().name("phaseflow_request_duration_seconds").unit(Unit.SECONDS)
                .help("End-to-end duration of started requests, by outcome.")
                .labelNames("outcome").classicOnly().classicUpperBounds(REQUEST_SECONDS).register(registry);
        images = Counter.builder().name("phaseflow_images_total")
                .help("Images produced.").register(registry);
        steps = Counter.builder().name("phaseflow_steps_total")
                .help("Denoising steps (one request batch at one sigma), by route.")
                .labelNames("route").register(registry);
        modelSteps = Counter.builder().name("phaseflow_model_steps_total")
                .help("Denoising steps by the model that made them and its cost tier (full, mid, small, tiny: cost "
                        + "relative to the plan's dearest model).")
                .labelNames("model", "tier").register(registry);
        modelExecutions = Counter.builder().name("phaseflow_model_executions_total")
                .help("Model calls, by model.").labelNames("model").register(registry);
        batchSize = Histogram.builder().name("phaseflow_model_batch_size")
                .help("Items (images or tiles) in one model call, by model.")
                .labelNames("model").classicOnly().classicUpperBounds(BATCH_SIZES).register(registry);
        queueWait = Histogram.builder().name("phaseflow_queue_wait_seconds").unit(Unit.SECONDS)
                .help("Time a step waited for its model, by route.")
                .labelNames("route").classicOnly().classicUpperBounds(STEP_SECONDS).register(registry);
        compute = Histogram.builder().name("phaseflow_compute_seconds").unit(Unit.SECONDS)
                .help("Time a step's model call computed, by route.")
                .labelNames("route").classicOnly().classicUpperBounds(STEP_SECONDS).register(registry);
        errors = Counter.builder().name("phaseflow_errors_total")
                .help("Errors, by kind.").labelNames("kind").register(registry);
        initLabels();
        if (jvmMetrics) {
            JvmMetrics.builder().register(registry);
        }
    }

    private void initLabels() {
        for (Outcome o : Outcome.values()) {
            requestsFinished.initLabelValues(o.label());
            if (o != Outcome.REJECTED) {
                requestDuration.initLabelValues(o.label());
            }
        }
        for (String route : Routes.ALL) {
            steps.initLabelValues(route);
            queueWait.initLabelValues(route);
            compute.initLabelValues(route);
        }
        for (ErrorKind k : ErrorKind.values()) {
            errors.initLabelValues(k.label());
        }
    }

    /** The registry these metrics live on (for exporters, and for {@link PhaseDiagnostics}). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Counts a started request and returns its handle; the caller must end it with exactly one of
     * {@link TrackedRequest#completed()}, {@link TrackedRequest#failed()} or
     * {@link TrackedRequest#cancelled()} (later calls are ignored), which keeps the in-flight gauge
     * honest.
     */
    public TrackedRequest requestStarted() {
        requestsStarted.inc();
        inflight.inc();
        return new TrackedRequest(this, nanoClock.getAsLong());
    }

    /** Counts a request refused at admission (it was never started). */
    public void requestRejected() {
        requestsFinished.labelValues(Outcome.REJECTED.label()).inc();
    }

    /** Ends a started request: called once per request by its {@link TrackedRequest}. */
    void finished(Outcome outcome, long startNanos) {
        inflight.dec();
        requestsFinished.labelValues(outcome.label()).inc();
        double seconds = Math.max(0, nanoClock.getAsLong() - startNanos) / 1e9;
        requestDuration.labelValues(outcome.label()).observe(seconds);
    }

    /** Counts {@code count} images produced (for streaming, call it per image). */
    public void imagesProduced(int count) {
        images.inc(Checks.positive("image count", count));
    }

    /** Counts one denoising step routed to {@code route} ("local" or "global"). */
    public void stepCompleted(String route) {
        steps.labelValues(Routes.check(route)).inc();
    }

    /** Counts one denoising step routed to {@code route}, made by {@code model} of cost tier {@code tier}. */
    public void stepCompleted(String route, String model, String tier) {
        stepCompleted(route);
        modelSteps.labelValues(Checks.nonBlank("model name", model), Checks.nonBlank("tier", tier)).inc();
    }

    /** Counts one call of {@code model} on a batch of {@code batchSize} items (images or tiles). */
    public void modelExecuted(String model, int batchSize) {
        Checks.nonBlank("model name", model);
        Checks.positive("batch size", batchSize);
        modelExecutions.labelValues(model).inc();
        this.batchSize.labelValues(model).observe(batchSize);
    }

    /** Records how long a step of {@code route} waited before its model call started. */
    public void queueWait(String route, double seconds) {
        queueWait.labelValues(Routes.check(route)).observe(Checks.nonNegative("queue wait seconds", seconds));
    }

    /** Records how long a step's model call of {@code route} computed. */
    public void computeTime(String route, double seconds) {
        compute.labelValues(Routes.check(route)).observe(Checks.nonNegative("compute seconds", seconds));
    }

    /** Counts one error of {@code kind}. */
    public void error(ErrorKind kind) {
        if (kind == null) {
            throw new IllegalArgumentException("error kind is required");
        }
        errors.labelValues(kind.label()).inc();
    }
}
