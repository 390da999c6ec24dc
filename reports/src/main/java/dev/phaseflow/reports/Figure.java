package dev.phaseflow.reports;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.block.LengthConstraintType;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.title.TextTitle;

/**
 * A figure for reports: a title (and a subtitle) over JFreeChart panels laid out in a grid,
 * rendered headless into one image and written as PNG. Usage:
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

    /** A line of smaller text under the title (key numbers of a report); wrapped when wider than the figure. */
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
        int width = cols * panelWidth;
        List<TextTitle> header = header();
        double[] heights = new double[header.size()];
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        RectangleConstraint fixedWidth = new RectangleConstraint(width, null, LengthConstraintType.FIXED, 0, null,
                LengthConstraintType.NONE);
        for (int i = 0; i < heights.length; i++) {
            heights[i] = header.get(i).arrange(measure, fixedWidth).getHeight();
        }
        measure.dispose();
        int headerHeight = (int) Math.ceil(java.util.Arrays.stream(heights).sum());

        BufferedImage image = new BufferedImage(width, headerHeight + rows * panelHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setPaint(java.awt.Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            double y = 0;
            for (int i = 0; i < heights.length; i++) {
                header.get(i).draw(g, new Rectangle2D.Double(0, y, width, heights[i]));
                y += heights[i];
            }
            for (int i = 0; i < panels.size(); i++) {
                Rectangle area = new Rectangle((i % cols) * panelWidth, headerHeight + (i / cols) * panelHeight,
                        panelWidth, panelHeight);
                panels.get(i).chart().draw(g, area);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The title and subtitle, centred one under the other (wrapped when wider than the figure). */
    private List<TextTitle> header() {
        List<TextTitle> header = new ArrayList<>();
        header.add(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 16)));
        header.get(0).setPadding(10, 8, 2, 8);
        if (!subtitle.isEmpty()) {
            header.add(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
            header.get(1).setPadding(2, 8, 4, 8);
        }
        return header;
    }

    public void writePng(Path file) throws IOException {
        BufferedImage image = render();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartUtils.writeBufferedImageAsPNG(out, image);
        }
    }
}
