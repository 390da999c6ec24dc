package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real zoo through the engine, local models cut into 14x14 tiles that workers compute
 * separately: images bit-identical to the reference engine's.
 */
class ZooEngineTest {

    @Test
    void realModelsWithShardedTilesMatchTheReference() {
        try (ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder(), SessionConfig.defaults().withIntraOpThreads(1))) {
            ModelSet models = ModelSet.fromZoo(zoo, 14);
            List<SampleRequest> requests = new ArrayList<>();
            String[] solvers = {"euler", "heun", "dpmpp-2m", "euler-ancestral"};
            for (int i = 0; i < 8; i++) {
                requests.add(SampleRequest.defaults().withSeed(70 + i).withMode(Mode.values()[i % 4])
                        .withSolver(solvers[i % 4]).withSteps(8 + i % 3).withCount(1 + i % 2));
            }
            List<List<SampleEvent>> reference;
            try (var direct = new DirectSamplingService(models, 64, SampleRequest.Limits.defaults(), 1)) {
                reference = EngineTest.runAll(direct, requests, 1);
            }
            try (var engine = PhaseflowEngine.create(models, EngineConfig.defaults().withWorkers(2).withMaxBatch(3))) {
                List<List<SampleEvent>> got = EngineTest.runAll(engine, requests, 8);
                for (int i = 0; i < requests.size(); i++) {
                    assertArrayEquals(EngineTest.images(reference.get(i)), EngineTest.images(got.get(i)),
                            "request " + i + " " + requests.get(i));
                }
            }
        }
    }
}
