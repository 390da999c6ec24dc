package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locality profile's files: its key in calibration.json and its panels in calibration.png, or files of its own. */
class LocalityReportTest {
    @TempDir
    Path folder;

    @Test
    void addsItsKeyAndPanelsToTheCalibrationOrWritesItsOwnFiles() throws Exception {
        TwoGaussianMixture mix = TwoGaussianMixture.standard();
        CalibrationConfig config = CalibratorTest.config(folder).withImages(20).withGrid(new SigmaGrid(0.1, 20, 6));
        CalibrationReport calibration = new Calibrator(config).calibrate();
        int plainHeight = ImageIO.read(folder.resolve(CalibrationReport.PNG_FILE).toFile()).getHeight();

        LocalityCalibration.Settings settings = LocalityCalibration.Settings.defaults().withImages(6)
                .withTrainingImages(300).withMaxRadius(3).withGrid(new SigmaGrid(0.1, 20, 5)).withThreads(2)
                .withStatisticsImages(200);
        LocalityReport report = LocalityCalibration.measure(CalibratorTest.models(), Map.of(CalibratorTest.LOCAL,
                CalibratorTest.RADIUS), mix.sample(200, 51), mix.sample(300, 52), settings, calibration.plan().windowLo(),
                calibration.plan().windowHi(), message -> {});
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
        int height = ImageIO.read(folder.resolve(CalibrationReport.PNG_FILE).toFile()).getHeight();
        assertTrue(height > plainHeight, "panels added: " + height + " vs " + plainHeight);

        Path own = folder.resolve("own");
        report.writeStandalone(own);
        assertTrue(Files.size(own.resolve(LocalityReport.JSON_FILE)) > 0 && Files.size(own.resolve(LocalityReport.PNG_FILE)) > 0);
        assertTrue(report.text().contains("needed radius peaks at sigma"));
    }
}
