package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibrateMainTest {

    @Test
    void parsesNamedOptions() {
        assertEquals(Map.of("zoo", "z", "images", "200", "tolerance", "0.05"),
                CalibrateMain.parse(new String[] {"--zoo", "z", "--images", "200", "--tolerance", "0.05"}));
        assertEquals(Map.of(), CalibrateMain.parse(new String[0]));
    }

    @Test
    void rejectsUnknownOptionsAndMissingValues() {
        assertEquals("unknown argument '--imgs'",
                assertThrows(IllegalArgumentException.class, () -> CalibrateMain.parse(new String[] {"--imgs", "5"}))
                        .getMessage());
        assertEquals("unknown argument 'zoo'",
                assertThrows(IllegalArgumentException.class, () -> CalibrateMain.parse(new String[] {"zoo"}))
                        .getMessage());
        assertEquals("option '--out' needs a value",
                assertThrows(IllegalArgumentException.class, () -> CalibrateMain.parse(new String[] {"--out"}))
                        .getMessage());
    }
}
