package dev.phaseflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On the shipped zoo and its calibrated router.json, 64 samples per mode with the same seeds:
 * hybrid images are closer to global-only than local-only and swapped images are.
 * ({@code ./phaseflow compare} writes the four grids.)
 */
class ZooModesTest {

    @Test
    void hybridIsCloserToGlobalThanLocalAndSwapped() {
        try (ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder(), SessionConfig.defaults().withIntraOpThreads(2));
             DirectSamplingService service = new DirectSamplingService(ModelSet.fromZoo(zoo, 0), 64,
                     SampleRequest.Limits.defaults(), 1)) {
            Map<Mode, ModeComparison.ModeResult> r = ModeComparison.run(service,
                    SampleRequest.defaults().withCount(64).withSteps(24).withSeed(2026));
            double hybrid = r.get(Mode.HYBRID).meanAbsToGlobal();
            String table = "hybrid " + hybrid + ", local " + r.get(Mode.LOCAL).meanAbsToGlobal() + ", swapped "
                    + r.get(Mode.SWAPPED).meanAbsToGlobal();
            assertTrue(hybrid < r.get(Mode.LOCAL).meanAbsToGlobal(), table);
            assertTrue(hybrid < r.get(Mode.SWAPPED).meanAbsToGlobal(), table);
            assertEquals(0.0, r.get(Mode.GLOBAL).meanAbsToGlobal());
            // hybrid spends fewer evaluations on the expensive global model than global-only does
            assertTrue(r.get(Mode.HYBRID).evaluations().get(Route.LOCAL) > 0);
            assertEquals(0L, r.get(Mode.GLOBAL).evaluations().get(Route.LOCAL));
        }
    }
}
