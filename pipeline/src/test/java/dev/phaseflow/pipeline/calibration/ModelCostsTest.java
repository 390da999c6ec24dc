package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCostsTest {

    @Test
    void timesEveryModelAtBatch16AfterWarmUp() {
        RecordingDenoiser a = new RecordingDenoiser("a", ModelRole.GLOBAL, v -> v);
        RecordingDenoiser b = new RecordingDenoiser("b", ModelRole.LOCAL, v -> -v);
        Map<String, RecordingDenoiser> models = new LinkedHashMap<>();
        models.put("a", a);
        models.put("b", b);
        ModelCosts costs = ModelCosts.measure(models, ImageBatch.zeros(5, 1, 28, 28)); // 5 images, repeated to 16
        for (RecordingDenoiser m : List.of(a, b)) {
            assertEquals(ModelCosts.WARMUP_RUNS + ModelCosts.TIMED_RUNS, m.inputs.size());
            assertTrue(m.inputs.stream().allMatch(x -> x.count() == ModelCosts.BATCH && x.height() == 28));
            assertTrue(costs.of(m.name()) > 0);
        }
        assertTrue(costs.measured());
        assertEquals(16, costs.batch());
        assertEquals(List.of("a", "b"), List.copyOf(costs.secondsPerImage().keySet()));
    }

    @Test
    void givenCostsAreCheckedAndNamed() {
        ModelCosts given = ModelCosts.given(Map.of("unet", 2e-3));
        assertFalse(given.measured());
        assertEquals(2e-3, given.of("unet"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> given.of("local-r4"));
        assertEquals("no cost for model 'local-r4' (have [unet])", missing.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> ModelCosts.given(Map.of("unet", -1.0)));
        assertTrue(negative.getMessage().contains("field 'costs.unet'"), negative.getMessage());
    }
}
