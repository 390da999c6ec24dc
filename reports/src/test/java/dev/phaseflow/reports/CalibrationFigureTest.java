package dev.phaseflow.reports;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.calibration.Calibrator;
import dev.phaseflow.pipeline.calibration.LocalityReport;
import dev.phaseflow.pipeline.calibration.MixtureCalibration;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** calibration.png and locality.png of the two-Gaussian mixture's calibration: size, and ink where the panels are. */
class CalibrationFigureTest {
    static final int WIDTH = 620;
    static final int HEIGHT = 400;
    static CalibrationReport calibration;

    @BeforeAll
    static void calibrate(@TempDir Path unused) {
        calibration = new Calibrator(MixtureCalibration.config(unused)).measure(message -> {});
    }

    @Test
    void calibrationFigureHasFourInkedPanelsWithTheWindowShaded(@TempDir Path folder) throws Exception {
        CalibrationFigure.write(calibration, folder);
        int[] header = new int[1];
        BufferedImage png = PngCheck.read(folder.resolve(CalibrationReport.PNG_FILE), 2, 2, WIDTH, HEIGHT, header);
        assertTrue(png.getWidth() >= 1000 && png.getHeight() >= 700, png.getWidth() + "x" + png.getHeight());
        PngCheck.inkInEveryPanel(png, 4, 2, WIDTH, HEIGHT, header[0], 5000);
        // the first series of every panel in the palette's first colour, and the window's shade over white
        for (int i = 0; i < 4; i++) {
            int x0 = (i % 2) * WIDTH;
            int y0 = header[0] + (i / 2) * HEIGHT;
            assertTrue(PngCheck.count(png, new Color(0x1f77b4), x0, y0, WIDTH, HEIGHT) > 50, "panel " + (i + 1) + " line");
            assertTrue(PngCheck.count(png, shade(new Color(0x9ecae1), 0.35), x0, y0, WIDTH, HEIGHT) > 2000,
                    "panel " + (i + 1) + " window");
        }
    }

    @Test
    void localityPanelsAddRowsToTheCalibrationOrMakeAFigureOfTheirOwn(@TempDir Path folder) throws Exception {
        LocalityReport locality = MixtureCalibration.locality(calibration);
        LocalityFigure.writeInto(locality, calibration, folder);
        int[] header = new int[1];
        // 4 calibration panels and 4 locality panels (errors, needed radius, reach, convergence)
        BufferedImage png = PngCheck.read(folder.resolve(CalibrationReport.PNG_FILE), 2, 4, WIDTH, HEIGHT, header);
        PngCheck.inkInEveryPanel(png, 8, 2, WIDTH, HEIGHT, header[0], 5000);

        LocalityFigure.writeStandalone(locality, folder);
        png = PngCheck.read(folder.resolve(LocalityReport.PNG_FILE), 2, 2, WIDTH, HEIGHT, header);
        PngCheck.inkInEveryPanel(png, 4, 2, WIDTH, HEIGHT, header[0], 5000);
    }

    /** The colour a band of this colour and opacity leaves on white, as Java2D composes it. */
    private static Color shade(Color c, double alpha) {
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = one.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 1, 1);
        g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, (float) alpha));
        g.setColor(c);
        g.fillRect(0, 0, 1, 1);
        g.dispose();
        return new Color(one.getRGB(0, 0));
    }
}
