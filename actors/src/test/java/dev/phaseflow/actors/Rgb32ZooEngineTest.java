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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Zoos of another size and channel count (3x32x32, untrained fixture models from
 * models/training/make_size_fixtures.py: an eps/vp-linear UNet and a local model of radius 2)
 * through the engine, the local model cut into 12x12 tiles spread over workers: images bit-identical
 * to the reference engine's. The same for the second shipped zoo, letters-32.
 */
class Rgb32ZooEngineTest {
    static final String FIXTURE_ZOO = "models/src/test/resources/fixtures/zoo-rgb32";

    static Path fixtureZoo() {
        return above(FIXTURE_ZOO);
    }

    static Path above(String folder) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(folder))) {
                return dir.resolve(folder);
            }
        }
        throw new IllegalStateException("zoo " + folder + " not found above " + Path.of("").toAbsolutePath());
    }

    /** The fixture zoo (3x32x32, 12x12 tiles) and the shipped second zoo, letters-32 (1x32x32, trained, 16x16 tiles). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({FIXTURE_ZOO + ",3,12", "models/zoo/letters-32,1,16"})
    void imagesWithShardedTilesMatchTheReference(String folder, int channels, int tile) {
        try (ModelZoo zoo = ModelZoo.open(above(folder), SessionConfig.defaults().withIntraOpThreads(1))) {
            ModelSet models = ModelSet.fromZoo(zoo, tile);
            assertEquals(channels, models.channels());
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
                    assertEquals(requests.get(i).count() * channels * 32 * 32, want.length);
                    assertArrayEquals(want, EngineTest.images(got.get(i)), "request " + i + " " + requests.get(i));
                }
            }
        }
    }
}
