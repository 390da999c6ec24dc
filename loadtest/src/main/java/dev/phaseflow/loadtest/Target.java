package dev.phaseflow.loadtest;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.actors.EngineStats;
import dev.phaseflow.actors.PhaseflowEngine;
import dev.phaseflow.loadtest.http.RemoteSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SamplingService;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a load test drives: the in-process engine (with its batching statistics and model set) or
 * a phaseflow server over HTTP (events only). Closing it closes the engine.
 */
public final class Target implements AutoCloseable {
    private final String description;
    private final SamplingService service;
    private final Supplier<Map<String, EngineStats.ModelCalls>> engineStats;
    private final ModelSet models;

    private Target(String description, SamplingService service, Supplier<Map<String, EngineStats.ModelCalls>> engineStats,
                   ModelSet models) {
        this.description = description;
        this.service = service;
        this.engineStats = engineStats;
        this.models = models;
    }

    /** A new in-process {@link PhaseflowEngine} over the model set. */
    public static Target engine(ModelSet models, EngineConfig config) {
        PhaseflowEngine engine = PhaseflowEngine.builder(models).config(config).build();
        String d = "in-process PhaseflowEngine (" + config.workersPerModel() + " workers per model, "
                + config.inferenceThreads() + " inference threads, max batch " + config.maxBatch() + ", max wait "
                + config.maxWait().toMillis() + " ms, admission " + config.maxInFlight() + " requests / "
                + config.maxQueuedImages() + " images)";
        return new Target(d, engine, () -> engine.stats().byModel(), models);
    }

    /** A phaseflow server at a loopback URL. */
    public static Target remote(String url, Duration requestTimeout) {
        RemoteSamplingService s = new RemoteSamplingService(url, requestTimeout);
        return new Target("phaseflow server " + s.endpoint(), s, null, null);
    }

    /** Any sampling service, without engine statistics (tests, other engines). */
    public static Target of(SamplingService service, String description, Optional<ModelSet> models) {
        return new Target(description, service, null, models.orElse(null));
    }

    public String description() {
        return description;
    }

    public SamplingService service() {
        return service;
    }

    /** Whether model executions and batch sizes can be read ({@link #engineSnapshot()}). */
    public boolean hasEngineStats() {
        return engineStats != null;
    }

    /** The engine's running model-call totals; empty without engine statistics. */
    public Map<String, EngineStats.ModelCalls> engineSnapshot() {
        return engineStats == null ? Map.of() : engineStats.get();
    }

    /** The model set, when the target runs in this process (routing plan, sigma range). */
    public Optional<ModelSet> models() {
        return Optional.ofNullable(models);
    }

    @Override
    public void close() {
        service.close();
    }
}
