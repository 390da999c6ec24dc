package dev.phaseflow.pipeline.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A figure for reports: a title over panels laid out in a grid, drawn with Java2D (headless) and
 * written as PNG. Usage:
 *
 * <pre>{@code
 * Figure f = new Figure("x0 error", 2);
 * f.panel("error").logX().logY().xLabel("sigma").line("unet", sigma, mse).band(0.3, 30, "window");
 * f.writePng(folder.resolve("errors.png"));
 * }</pre>
 */
public final class Figure {
    private final String title;
    private final int columns;
    private int panelWidth = 560;
    private int panelHeight = 380;
    private final List<Panel> panels = new ArrayList<>();
    private String subtitle = "";

    public Figure(String title, int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("a figure needs at least one column, got " + columns);
        }
        this.title = title;
        this.columns = columns;
    }

    /** Size of each panel in pixels (default 560 x 380). */
    public Figure panelSize(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("panels need at least 200 x 150 pixels, got " + width + " x " + height);
        }
        this.panelWidth = width;
        this.panelHeight = height;
        return this;
    }

    /** A line of smaller text under the title (key numbers of a report). */
    public Figure subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    /** Adds a panel (filled row by row) and returns it for configuration. */
    public Panel panel(String panelTitle) {
        Panel p = new Panel(panelTitle);
        panels.add(p);
        return p;
    }

    public BufferedImage render() {
        if (panels.isEmpty()) {
            throw new IllegalStateException("figure '" + title + "' has no panels");
        }
        int cols = Math.min(columns, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        int header = subtitle.isEmpty() ? 36 : 56;
        BufferedImage image = new BufferedImage(cols * panelWidth, header + rows * panelHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            centred(g, title, new Font(Font.SANS_SERIF, Font.BOLD, 16), image.getWidth(), 24);
            if (!subtitle.isEmpty()) {
                centred(g, subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13), image.getWidth(), 46);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i < panels.size(); i++) {
                Rectangle area = new Rectangle((i % cols) * panelWidth, header + (i / cols) * panelHeight, panelWidth,
                        panelHeight);
                panels.get(i).draw(g, area);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Draws text centred on the baseline y, shrinking the font (down to 9 points) until it fits the width. */
    private static void centred(Graphics2D g, String text, Font font, int width, int y) {
        Font f = font;
        g.setFont(f);
        while (g.getFontMetrics().stringWidth(text) > width - 16 && f.getSize() > 9) {
            f = f.deriveFont(f.getSize2D() - 1);
            g.setFont(f);
        }
        g.drawString(text, Math.max(8, (width - g.getFontMetrics().stringWidth(text)) / 2), y);
    }

    public void writePng(Path file) throws IOException {
        BufferedImage image = render();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer available");
        }
    }
}
