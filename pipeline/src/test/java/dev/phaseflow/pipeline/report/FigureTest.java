package dev.phaseflow.pipeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FigureTest {

    @Test
    void writesADecodablePngWithEveryPanel(@TempDir Path dir) throws Exception {
        double[] x = {0.01, 0.1, 1, 10, 100};
        Figure f = new Figure("test figure", 2).panelSize(400, 300);
        f.panel("log-log").logX().logY().xLabel("σ").yLabel("error")
                .line("a", x, new double[] {1e-4, 1e-3, 0, Double.NaN, 1}) // 0 and NaN break the line
                .line("b", x, new double[] {2e-4, 2e-3, 2e-2, 2e-1, 2})
                .band(0.3, 30, "window").marker(5, "σ_s").level(1e-2, "threshold");
        f.panel("linear").logX().line("c", x, new double[] {0.1, 0.5, 0.9, 0.4, 0.2});
        f.panel("empty"); // no data: default axes, no failure
        Path file = dir.resolve("sub/figure.png");
        f.writePng(file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "PNG decodes");
        assertEquals(2 * 400, image.getWidth());
        assertTrue(image.getHeight() > 2 * 300, "two rows of panels under a title");
        int top = image.getHeight() - 2 * 300; // the title strip
        assertTrue(count(image, Panel.PALETTE[0], 0, top, 400, 300) > 20, "series a is drawn in panel 1");
        assertTrue(count(image, Panel.PALETTE[1], 0, top, 400, 300) > 50, "series b is drawn in panel 1");
        assertTrue(count(image, Panel.PALETTE[0], 400, top, 400, 300) > 50, "each panel starts the palette again");
        assertEquals(0, count(image, Panel.PALETTE[2], 0, 0, image.getWidth(), image.getHeight()), "no third series");
    }

    @Test
    void aFigureNeedsPanels() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Figure("nothing", 1).render());
        assertEquals("figure 'nothing' has no panels", e.getMessage());
    }

    @Test
    void logTicksAreDecadesAndLinearTicksStepOneTwoFive() {
        assertEquals(List.of(0.01, 0.1, 1.0, 10.0), new Axis(0.002, 80, true).ticks());
        assertEquals(List.of(1.0, 2.0, 5.0, 10.0, 20.0), new Axis(0.9, 30, true).ticks());
        List<Double> linear = new Axis(-0.05, 1.05, false).ticks();
        assertEquals(6, linear.size());
        assertEquals(0.0, linear.get(0));
        assertEquals(1.0, linear.get(5), 1e-12);
        assertEquals("0.01", Axis.format(0.01));
        assertEquals("1e-4", Axis.format(1e-4));
        assertEquals("2.5e5", Axis.format(2.5e5));
        assertEquals("0.6", Axis.format(0.6000000000000001));
    }

    /** Pixels of exactly this colour in the rectangle. */
    private static int count(BufferedImage image, Color color, int x0, int y0, int width, int height) {
        int n = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (color.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
