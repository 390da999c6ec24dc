package dev.phaseflow.actors;

import com.typesafe.config.Config;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.InvalidRequestException;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The production engine behind {@link SamplingService}, on Apache Pekko Typed: a job actor per
 * request, a step router, a dynamic batcher and a pool of pulling workers per model. Admission
 * control bounds in-flight requests and their images; past the bound a request fails at once
 * with {@link OverloadedException}. {@link #close()} stops admitting, drains what is in flight,
 * then stops the actor system.
 */
public final class PhaseflowEngine implements SamplingService {
    private static final Logger LOG = LoggerFactory.getLogger(PhaseflowEngine.class);

    private final ModelSet models;
    private final EngineConfig config;
    private final SampleRequest.Limits limits;
    private final EngineStats stats = new EngineStats();
    private final EngineObserver observer;
    private final ActorSystem<EngineGuardian.Command> system;
    private final AutoCloseable owned;
    private int inFlight;
    private int inFlightImages;
    private boolean closing;

    private final ClusterNode node;
    private final java.util.Optional<EngineDiagnostics> diagnostics;
    private final WorkerCensus census;
    private final QueueWaitEstimator queueWait;

    private PhaseflowEngine(Builder b) {
        this.models = b.models;
        this.config = b.config;
        this.limits = b.limits;
        // until measured under load: as many calls at once as there are threads, cores and workers of a model
        this.queueWait = new QueueWaitEstimator(Math.min(Math.min(b.config.inferenceThreads(), b.config.workersPerModel()),
                Runtime.getRuntime().availableProcessors()), System::nanoTime);
        this.observer = stats.andThen(queueWait).andThen(b.observer);
        this.owned = b.owned;
        this.node = b.node;
        this.diagnostics = java.util.Optional.ofNullable(b.diagnostics);
        this.census = new WorkerCensus(models.denoisers().keySet());
        EngineGuardian.Deployment deployment = node == null ? EngineGuardian.Deployment.LOCAL
                : new EngineGuardian.Deployment(true, node.frontend(), node.worker());
        PekkoSettings settings = PekkoSettings.load();
        Config pekko = settings.engine(config.inferenceThreads());
        if (node != null) {
            checkFrameSize(models, config, settings.maxFrameBytes());
            pekko = settings.clusterNode(node, config.inferenceThreads());
        }
        // the guardian on the engine dispatcher too: a request's StartJob, told from the thread that just
        // ended the previous request's stream, and the new job's first messages then run on that thread
        this.system = ActorSystem.create(EngineGuardian.create(models, config, this.observer, deployment, diagnostics, census),
                ClusterNode.SYSTEM_NAME, pekko, EngineGuardian.ON_ENGINE);
    }

    /** Starts building an engine over these models (defaults: EngineConfig.defaults(), default limits, no observer). */
    public static Builder builder(ModelSet models) {
        return new Builder(models);
    }

    /** Engine options. */
    public static final class Builder {
        private final ModelSet models;
        private EngineConfig config = EngineConfig.defaults();
        private SampleRequest.Limits limits = SampleRequest.Limits.defaults();
        private EngineObserver observer = EngineObserver.NONE;
        private EngineDiagnostics diagnostics;
        private ClusterNode node;
        private AutoCloseable owned;

        private Builder(ModelSet models) {
            this.models = models;
        }

        public Builder config(EngineConfig c) {
            config = c;
            return this;
        }

        public Builder limits(SampleRequest.Limits l) {
            limits = l;
            return this;
        }

        public Builder observer(EngineObserver o) {
            observer = o;
            return this;
        }

        /** Shadow evaluation and class commitment (see {@link EngineDiagnostics}). */
        public Builder diagnostics(EngineDiagnostics d) {
            diagnostics = d;
            return this;
        }

        /** Runs as a node of a cluster instead of a single process. */
        public Builder cluster(ClusterNode n) {
            node = n;
            return this;
        }

        /** Something the engine closes after itself (the zoo it was built from). */
        public Builder owning(AutoCloseable resource) {
            owned = resource;
            return this;
        }

        public PhaseflowEngine build() {
            return new PhaseflowEngine(this);
        }
    }

    public static PhaseflowEngine create(ModelSet models, EngineConfig config, SampleRequest.Limits limits, EngineObserver observer) {
        return builder(models).config(config).limits(limits).observer(observer).build();
    }

    /** A node of a phaseflow cluster; requests go to frontend nodes. */
    public static PhaseflowEngine cluster(ModelSet models, EngineConfig config, SampleRequest.Limits limits,
                                          EngineObserver observer, ClusterNode node) {
        return builder(models).config(config).limits(limits).observer(observer).cluster(node).build();
    }

    /** A model call's images and results cross nodes in one message each; they must fit Artery's frame. */
    private static void checkFrameSize(ModelSet models, EngineConfig config, long maxFrameBytes) {
        for (String model : models.denoisers().keySet()) {
            int maxBatch = config.servedAs(models.serving(model)).maxBatch();
            long bytes = 5L * maxBatch * models.channels() * models.height() * models.width() + 64 * 1024;
            if (bytes > maxFrameBytes) {
                throw new IllegalArgumentException("maxBatch " + maxBatch + " of model '" + model + "' makes messages of about "
                        + bytes + " bytes, above the cluster frame limit of " + maxFrameBytes
                        + "; lower maxBatch (or its serving.max_batch_size in model.json)");
            }
        }
    }

    /** The node's cluster address (cluster mode only). */
    public String address() {
        return system.address().toString();
    }

    public static PhaseflowEngine create(ModelSet models, EngineConfig config) {
        return create(models, config, SampleRequest.Limits.defaults(), EngineObserver.NONE);
    }

    /** Opens a zoo folder (and its router.json) and runs its models; the engine closes the zoo. */
    public static PhaseflowEngine create(Path zooFolder, int tileSize, EngineConfig config, EngineObserver observer) {
        ModelZoo zoo = ModelZoo.open(zooFolder);
        try {
            return builder(ModelSet.fromZoo(zoo, tileSize)).config(config).observer(observer).owning(zoo).build();
        } catch (RuntimeException e) {
            zoo.close();
            throw e;
        }
    }

    /** The engine's diagnostics, if it has any. */
    public java.util.Optional<EngineDiagnostics> diagnostics() {
        return diagnostics;
    }

    public ModelSet models() {
        return models;
    }

    public EngineConfig config() {
        return config;
    }

    /** Model calls and batch sizes so far. */
    public EngineStats stats() {
        return stats;
    }

    /** Requests admitted and not yet finished. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** Workers per model as the batchers see them (a frontend node: the workers on the cluster's worker nodes). */
    public WorkerCensus workers() {
        return census;
    }

    /**
     * Why the engine cannot serve every mode of the plan now, or null when it can: it is closing,
     * or a model of the plan has no worker (a cluster whose worker nodes are gone).
     */
    public String notReadyReason() {
        if (isClosing()) {
            return "the engine is shutting down";
        }
        java.util.Set<String> missing = node != null && !node.frontend() ? java.util.Set.of() : census.modelsWithoutWorkers();
        return missing.isEmpty() ? null : "no worker for model" + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList());
    }

    private synchronized boolean isClosing() {
        return closing;
    }

    @Override
    public Flux<SampleEvent> sample(SampleRequest request) {
        return sample(request, config.requestTimeout());
    }

    /** As {@link #sample(SampleRequest)}; past {@code timeout} (at most the engine's request timeout) the run ends with an error. */
    @Override
    public Flux<SampleEvent> sample(SampleRequest request, java.time.Duration timeout) {
        java.time.Duration deadline = timeout == null || timeout.compareTo(config.requestTimeout()) > 0
                ? config.requestTimeout() : timeout;
        try {
            request.validate(limits);
        } catch (InvalidRequestException e) {
            return Flux.error(e);
        }
        // admission happens at subscription, and the slot is released however the stream ends
        return Flux.defer(() -> {
            Map<String, Long> work = plannedEvaluations(request);
            Refusal refusal = admit(request.count());
            if (refusal != null) {
                observer.requestFinished("rejected", EngineObserver.Outcome.REJECTED, request.count(), 0);
                return Flux.error(new OverloadedException(refusal.message(), refusal.retryAfterSeconds()));
            }
            QueueWaitEstimator.Ticket ticket = queueWait.admit(work, request.count());
            RunReporter reporter = new RunReporter(UUID.randomUUID().toString(), request, models);
            return Flux.<SampleEvent>create(sink -> {
                sink.onDispose(() -> {
                    queueWait.finished(ticket);
                    release(request.count());
                });
                system.tell(new EngineGuardian.StartJob(reporter, sink, deadline));
            }, FluxSink.OverflowStrategy.BUFFER).doOnNext(e -> {
                if (e instanceof SampleEvent.Step step) {
                    queueWait.stepDone(ticket, step.models());
                }
            });
        });
    }

    /** Image evaluations per model that the request's schedule routes there (Heun: two per step but the last). */
    private Map<String, Long> plannedEvaluations(SampleRequest request) {
        double[] sigmas = models.sigmas(request);
        Map<String, Long> out = new HashMap<>();
        int steps = sigmas.length - 1;
        for (int i = 0; i < steps; i++) {
            long evaluations = "heun".equals(request.solver()) && sigmas[i + 1] > 0 ? 2 : 1;
            out.merge(models.modelFor(request.mode(), sigmas[i]), evaluations * request.count(), Long::sum);
        }
        return out;
    }

    /** Why a request was refused, and when to come back. */
    private record Refusal(String message, int retryAfterSeconds) {}

    /** The estimated wait behind the work admitted so far, in seconds (see {@link QueueWaitEstimator}). */
    public double estimatedQueueWaitSeconds() {
        return queueWait.waitSeconds();
    }

    private synchronized Refusal admit(int images) {
        if (closing) {
            return new Refusal("overloaded: the engine is shutting down", 1);
        }
        if (inFlight >= config.maxInFlight()) {
            return new Refusal("overloaded: " + inFlight + " requests in flight (limit " + config.maxInFlight()
                    + "); retry later", retryAfter(queueWait.waitSeconds()));
        }
        if (inFlightImages + images > config.maxQueuedImages()) {
            return new Refusal("overloaded: " + inFlightImages + " images in flight, " + images + " more exceed the limit of "
                    + config.maxQueuedImages() + "; retry later", retryAfter(queueWait.waitSeconds()));
        }
        double wait = queueWait.waitSeconds();
        if (wait > config.maxQueueWait().toMillis() / 1000.0) {
            return new Refusal(String.format(java.util.Locale.ROOT, "overloaded: the work admitted would keep a new request "
                    + "waiting about %.1f s (limit %.1f s); retry later", wait, config.maxQueueWait().toMillis() / 1000.0),
                    retryAfter(wait));
        }
        inFlight++;
        inFlightImages += images;
        return null;
    }

    /** Retry-After: the estimated wait, in whole seconds (at least 1). */
    private static int retryAfter(double waitSeconds) {
        return (int) Math.max(1, Math.min(3600, Math.ceil(waitSeconds)));
    }

    /** Waits until no request is in flight; false if some still are after {@code limit}. */
    private synchronized boolean awaitIdle(java.time.Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private synchronized void release(int images) {
        inFlight--;
        inFlightImages -= images;
        notifyAll();
    }

    /** How long jobs ended by close() get to deliver their error event before the actors stop. */
    static final java.time.Duration ABORT_GRACE = java.time.Duration.ofSeconds(5);

    /**
     * Stops admitting, waits up to the drain timeout for in-flight requests, ends those still running
     * with an error, then stops the actors (each worker finishes its model call first) and closes
     * what the engine owns.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        if (!awaitIdle(config.drainTimeout())) {
            int left = inFlight();
            LOG.warn("{} requests still running after the drain limit of {}: ending them with an error", left,
                    config.drainTimeout());
            system.tell(new EngineGuardian.AbortJobs("the server is shutting down and the request did not finish within "
                    + "the drain limit of " + config.drainTimeout().toSeconds() + " s"));
            if (!awaitIdle(ABORT_GRACE)) {
                LOG.warn("closing with {} requests still in flight", inFlight());
            }
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("actor system did not stop cleanly: {}", e.toString());
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("closing the zoo: {}", e.toString());
            }
        }
    }
}
