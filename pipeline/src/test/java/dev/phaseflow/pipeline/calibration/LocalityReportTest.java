package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locality profile's JSON: its key in calibration.json, or a file of its own (the figures: reports' LocalityFigureTest). */
class LocalityReportTest {
    @TempDir
    Path folder;

    @Test
    void addsItsKeyToTheCalibrationOrWritesItsOwnFile() throws Exception {
        CalibrationConfig config = CalibratorTest.config(folder).withImages(20).withGrid(new SigmaGrid(0.1, 20, 6));
        CalibrationReport calibration = new Calibrator(config).calibrate();

        LocalityReport report = MixtureCalibration.locality(calibration);
        report.writeInto(calibration, folder);

        JsonNode root = new ObjectMapper().readTree(Files.readString(folder.resolve(CalibrationReport.JSON_FILE)));
        assertTrue(root.has("plan") && root.has("x0_mse"), "the calibration's own keys stay");
        JsonNode locality = root.get(LocalityReport.KEY);
        assertEquals(5, locality.get("needed_radius").size());
        assertEquals(3, locality.get("radii").size());
        assertTrue(locality.get("x0_mse").has("full") && locality.get("x0_mse").has("r3"));
        assertEquals(CalibratorTest.LOCAL, locality.get("local_models").get(0).get("name").asText());
        assertTrue(locality.get("peak").has("inside_window"));
        assertFalse(Files.readString(folder.resolve(CalibrationReport.JSON_FILE)).contains("NaN"), "JSON has no NaN");

        Path own = folder.resolve("own");
        report.writeStandalone(own);
        assertTrue(Files.size(own.resolve(LocalityReport.JSON_FILE)) > 0);
        assertTrue(report.text().contains("needed radius peaks at sigma"));
    }
}
