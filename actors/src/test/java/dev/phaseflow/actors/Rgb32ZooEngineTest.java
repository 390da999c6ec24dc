package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A zoo of another size and channel count (3x32x32, untrained fixture models from
 * models/training/make_size_fixtures.py: an eps/vp-linear UNet and a local model of radius 2)
 * through the engine, the local model cut into 12x12 tiles spread over workers: images bit-identical
 * to the reference engine's.
 */
class Rgb32ZooEngineTest {
    static final String FIXTURE_ZOO = "models/src/test/resources/fixtures/zoo-rgb32";

    static Path fixtureZoo() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(FIXTURE_ZOO))) {
                return dir.resolve(FIXTURE_ZOO);
            }
        }
        throw new IllegalStateException("fixture zoo " + FIXTURE_ZOO + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void rgb32ImagesWithShardedTilesMatchTheReference() {
        try (ModelZoo zoo = ModelZoo.open(fixtureZoo(), SessionConfig.defaults().withIntraOpThreads(1))) {
            ModelSet models = ModelSet.fromZoo(zoo, 12);
            List<SampleRequest> requests = new ArrayList<>();
            String[] solvers = {"euler", "heun", "dpmpp-2m", "euler-ancestral"};
            for (int i = 0; i < 4; i++) {
                requests.add(SampleRequest.defaults().withSeed(90 + i).withMode(i % 2 == 0 ? Mode.HYBRID : Mode.GLOBAL)
                        .withSolver(solvers[i]).withSteps(5 + i).withCount(1 + i % 2));
            }
            List<List<SampleEvent>> reference;
            try (var direct = new DirectSamplingService(models, 64, SampleRequest.Limits.defaults(), 1)) {
                reference = EngineTest.runAll(direct, requests, 1);
            }
            try (var engine = PhaseflowEngine.create(models, EngineConfig.defaults().withWorkers(2).withMaxBatch(3))) {
                List<List<SampleEvent>> got = EngineTest.runAll(engine, requests, 4);
                for (int i = 0; i < requests.size(); i++) {
                    float[] want = EngineTest.images(reference.get(i));
                    assertEquals(requests.get(i).count() * 3 * 32 * 32, want.length);
                    assertArrayEquals(want, EngineTest.images(got.get(i)), "request " + i + " " + requests.get(i));
                }
            }
        }
    }
}
