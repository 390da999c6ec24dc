package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelServing;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Per-model serving settings (model.json's {@code serving}) reach each model's batcher and workers, and only them. */
class ModelServingEngineTest {

    private static ModelSet withServing(Map<String, ModelServing> serving) {
        ModelSet plain = EngineTest.exact();
        return new ModelSet(plain.denoisers(), plain.plan(), plain.sigmaMin(), plain.sigmaMax(), plain.channels(),
                plain.height(), plain.width(), serving);
    }

    @Test
    void eachModelBatchesAndRunsAsItsOwnSettingsSay() {
        // g: at most 3 images a call, one worker; l: the engine's defaults (max batch 64) but 3 workers
        ModelServing g = new ModelServing(OptionalInt.of(3), Optional.of(Duration.ofMillis(5)), OptionalInt.of(1));
        ModelServing l = new ModelServing(OptionalInt.empty(), Optional.empty(), OptionalInt.of(3));
        ModelSet models = withServing(Map.of("g", g, "l", l));
        Map<String, Integer> largest = new ConcurrentHashMap<>();
        EngineObserver recorder = new EngineObserver() {
            @Override
            public void modelExecuted(String model, Route route, int units, int images, long wait, long compute) {
                largest.merge(model, images, Math::max);
            }
        };
        List<SampleRequest> requests = EngineTest.requests(40);
        List<List<SampleEvent>> reference;
        try (var direct = new DirectSamplingService(EngineTest.exact(), 64, SampleRequest.Limits.defaults(), 1)) {
            reference = EngineTest.runAll(direct, requests, 1);
        }
        EngineConfig config = EngineConfig.defaults().withWorkers(2).withMaxBatch(64).withMaxWait(Duration.ofMillis(5));
        try (var engine = PhaseflowEngine.builder(models).config(config).observer(recorder).build()) {
            List<List<SampleEvent>> got = EngineTest.runAll(engine, requests, 32);
            // every worker has pulled by now (the census counts a worker at its first Ready)
            assertEquals(1, engine.workers().workers("g"));
            assertEquals(3, engine.workers().workers("l"));
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(EngineTest.images(reference.get(i)), EngineTest.images(got.get(i)), "request " + i);
            }
            System.out.printf("per-model serving: largest call g %d images (max 3), l %d images (max 64)%n",
                    largest.get("g"), largest.get("l"));
            assertTrue(largest.get("g") <= 3, "g's calls stay within its max_batch_size: " + largest.get("g"));
            assertTrue(largest.get("l") > 3, "l is not held to g's max batch: " + largest.get("l"));
        }
    }

    @Test
    void servingForAModelNotInTheSetIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withServing(Map.of("nope", ModelServing.DEFAULTS)));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void servedAsOverridesOnlyWhatTheModelSays() {
        EngineConfig base = EngineConfig.defaults().withWorkers(2).withMaxBatch(64).withMaxWait(Duration.ofMillis(2));
        assertEquals(base, base.servedAs(ModelServing.DEFAULTS));
        EngineConfig c = base.servedAs(new ModelServing(OptionalInt.of(8), Optional.empty(), OptionalInt.empty()));
        assertEquals(8, c.maxBatch());
        assertEquals(Duration.ofMillis(2), c.maxWait());
        assertEquals(2, c.workersPerModel());
    }
}
