package dev.phaseflow.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Checks of a written figure: its size in panels, and ink in every panel (shared with the load test's figures). */
public final class PngCheck {
    /** The title strip above the panels is at least this high, and at most {@link #MAX_HEADER}. */
    public static final int MIN_HEADER = 20;
    public static final int MAX_HEADER = 120;

    private PngCheck() {}

    /**
     * Reads a figure, asserting that it decodes, is {@code columns} panels wide, and {@code rows}
     * panels plus a title strip high; returns it with the strip's height in {@code header[0]}.
     */
    public static BufferedImage read(Path file, int columns, int rows, int panelWidth, int panelHeight, int[] header)
            throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " decodes");
        assertEquals(columns * panelWidth, image.getWidth(), file + ": width");
        header[0] = image.getHeight() - rows * panelHeight;
        assertTrue(header[0] >= MIN_HEADER && header[0] <= MAX_HEADER, file + ": height " + image.getHeight()
                + " is not " + rows + " x " + panelHeight + " under a title");
        return image;
    }

    /** Asserts that each of the {@code count} panels (filled row by row) has at least {@code min} non-white pixels. */
    public static void inkInEveryPanel(BufferedImage image, int count, int columns, int panelWidth, int panelHeight,
                                       int header, int min) {
        for (int i = 0; i < count; i++) {
            int x0 = (i % columns) * panelWidth;
            int y0 = header + (i / columns) * panelHeight;
            int ink = count(image, x0, y0, panelWidth, panelHeight, rgb -> rgb != 0xffffff);
            assertTrue(ink >= min, "panel " + (i + 1) + " has " + ink + " non-white pixels, expected at least " + min);
        }
    }

    /** Pixels of exactly this colour in the rectangle. */
    public static int count(BufferedImage image, Color color, int x0, int y0, int width, int height) {
        int want = color.getRGB() & 0xffffff;
        return count(image, x0, y0, width, height, rgb -> rgb == want);
    }

    private static int count(BufferedImage image, int x0, int y0, int width, int height,
                             java.util.function.IntPredicate test) {
        int n = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                if (test.test(image.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
