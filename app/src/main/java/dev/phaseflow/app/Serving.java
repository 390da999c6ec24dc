package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.actors.EngineObserver;
import dev.phaseflow.actors.PhaseflowEngine;
import dev.phaseflow.app.http.ModelCatalog;
import dev.phaseflow.app.http.PhaseflowServer;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server on its engine, and the graceful shutdown that SIGTERM or Ctrl-C triggers:
 * readiness fails, new samples are refused, running ones finish (up to the engine's drain
 * timeout; then they end with an error event), then the server and whatever the models need
 * (the zoo) close, and the process exits with 0.
 */
public final class Serving {
    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);
    /** How long open responses get to finish once the engine has drained. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final PhaseflowEngine engine;
    private final PhaseflowServer server;
    private final AutoCloseable owned;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean shuttingDown = new java.util.concurrent.atomic.AtomicBoolean();

    private Serving(PhaseflowEngine engine, PhaseflowServer server, AutoCloseable owned) {
        this.engine = engine;
        this.server = server;
        this.owned = owned;
    }

    /**
     * Starts the engine on {@code models} and the server in front of it; {@code owned} (the zoo,
     * or null) closes last. On failure everything started is closed again.
     */
    public static Serving start(ModelSet models, List<ModelManifest> manifests, EngineConfig config,
                                SampleRequest.Limits limits, Consumer<PhaseflowServer.Builder> options, AutoCloseable owned) {
        return start(models, manifests, config, limits, options, owned, null);
    }

    /**
     * As above, with live monitoring (null: none): Prometheus metrics at /metrics, the phase
     * diagnostics at /v1/diagnostics and the live Delta in step events.
     */
    public static Serving start(ModelSet models, List<ModelManifest> manifests, EngineConfig config,
                                SampleRequest.Limits limits, Consumer<PhaseflowServer.Builder> options, AutoCloseable owned,
                                LiveMonitoring monitoring) {
        return startCluster(models, manifests, config, limits, options, owned, monitoring, null);
    }

    /** As above, the engine being a frontend node of a cluster ({@code node} null: a single process). */
    public static Serving startCluster(ModelSet models, List<ModelManifest> manifests, EngineConfig config,
                                       SampleRequest.Limits limits, Consumer<PhaseflowServer.Builder> options,
                                       AutoCloseable owned, LiveMonitoring monitoring, dev.phaseflow.actors.ClusterNode node) {
        PhaseflowEngine.Builder engineBuilder = PhaseflowEngine.builder(models).config(config).limits(limits);
        if (node != null) {
            engineBuilder.cluster(node);
        }
        if (monitoring != null) {
            engineBuilder.observer(monitoring.engineObserver(models)).diagnostics(monitoring.engineDiagnostics());
        }
        PhaseflowEngine engine = engineBuilder.build();
        try {
            PhaseflowServer.Builder b = PhaseflowServer.builder(engine).limits(limits).catalog(ModelCatalog.of(models, manifests))
                    .readiness(engine::notReadyReason);
            if (monitoring != null) {
                b.metrics(monitoring.metricsEndpoint()).observer(monitoring.httpObserver()).deltaAt(monitoring::deltaAt)
                        .diagnostics(monitoring::diagnosticsJson);
            }
            options.accept(b);
            return new Serving(engine, b.start(), owned);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public PhaseflowServer server() {
        return server;
    }

    public PhaseflowEngine engine() {
        return engine;
    }

    /** Drain, stop, close (the zoo's sessions last, once no model call runs); once, later callers wait for it. */
    public void shutdown() {
        if (!shuttingDown.compareAndSet(false, true)) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        LOG.info("shutting down: draining for up to {}", engine.config().drainTimeout());
        server.shutdown(engine, GRACE);
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("closing: {}", e.toString());
            }
        }
        LOG.info("stopped");
        stopped.countDown();
    }

    /**
     * Prints where to find the server, then serves until SIGTERM, SIGINT or SIGHUP, drains and
     * returns (see {@link TerminationSignals}). Should the JVM exit another way, a shutdown hook drains.
     */
    public void runUntilSignalled(PrintWriter out, String what) throws InterruptedException {
        TerminationSignals.onTermination(this::shutdown);
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "phaseflow-shutdown"));
        out.printf("phaseflow serving %s on %s%n", what, server.url());
        out.printf("  viewer %s   API description %sopenapi.yaml   Ctrl-C to stop%n", server.url(), server.url());
        out.flush();
        server.onDispose().block();
        stopped.await();
    }
}
