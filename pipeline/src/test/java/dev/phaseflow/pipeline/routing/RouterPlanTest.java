package dev.phaseflow.pipeline.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.models.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** router.json's calibration summary is a typed record that reads and writes the file as it was. */
class RouterPlanTest {
    @TempDir
    Path dir;

    @Test
    void theShippedRouterJsonIsWrittenBackByteForByte() throws Exception {
        Path shipped = ModelZoo.defaultFolder().resolve(RouterPlan.FILE_NAME);
        RouterPlan plan = RouterPlan.read(shipped);
        assertEquals(8.90228749560962, plan.calibration().sigmaS());
        assertEquals(0.3465741850064395, plan.calibration().dataVariance());
        assertEquals("plan-search", plan.calibration().planSource());
        assertEquals(32, plan.calibration().planSearch().path("steps").asInt());
        assertEquals(5.100545E-4, plan.measuredCosts().get("local-r4"));
        Path copy = dir.resolve(RouterPlan.FILE_NAME);
        plan.write(copy);
        assertEquals(Files.readString(shipped), Files.readString(copy));
    }

    @Test
    void aPlanWithoutCalibrationHasNoCostsAndWritesNoSummary() {
        RouterPlan plan = new RouterPlan("g", "l", 1, 2, List.of(new RouterPlan.Interval(0, Double.POSITIVE_INFINITY, "g")), null);
        assertEquals(java.util.Map.of(), plan.measuredCosts());
        assertEquals(false, plan.toJson().has("calibration"));
        assertNull(RouterPlan.parse(plan.toJson(), "router.json").calibration());
    }

    @Test
    void aMistypedSummaryFieldIsNamed() throws Exception {
        JsonNode root = new ObjectMapper().readTree("{\"global_model\": \"g\", \"local_model\": \"l\", "
                + "\"window\": {\"sigma_lo\": 1, \"sigma_hi\": 2}, \"hybrid\": [{\"sigma_lo\": 0, \"sigma_hi\": null, \"model\": \"g\"}], "
                + "\"calibration\": {\"sigma_s\": \"wide\"}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouterPlan.parse(root, "router.json"));
        assertEquals("router.json: calibration.sigma_s must be a number, got a string \"wide\"", e.getMessage());
    }
}
