package dev.phaseflow.pipeline.report;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;

/**
 * One chart of a {@link Figure}: line series on linear or logarithmic axes, shaded x-bands,
 * vertical and horizontal marker lines and a legend. Built by chained calls, drawn by the figure.
 * Points that an axis cannot show (NaN, infinite, or not positive on a log axis) break the line.
 */
public final class Panel {
    /** Line colours, in order of the series (Tableau 10). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
            new Color(0x17becf)};
    private static final Color BAND = new Color(0x9ecae1);
    private static final Color MARKER = new Color(0x444444);
    private static final Stroke DASHED = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {6, 4}, 0);
    private static final Stroke DOTTED = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {2, 3}, 0);

    private record Series(String name, double[] x, double[] y, Color color, boolean dots) {}

    private record Band(double lo, double hi, String label, Color color) {}

    private record Marker(double at, String label, Color color, boolean vertical) {}

    private final String title;
    private String xLabel = "";
    private String yLabel = "";
    private boolean logX;
    private boolean logY;
    private final List<Series> series = new ArrayList<>();
    private final List<Band> bands = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    Panel(String title) {
        this.title = title;
    }

    public Panel xLabel(String label) {
        this.xLabel = label;
        return this;
    }

    public Panel yLabel(String label) {
        this.yLabel = label;
        return this;
    }

    public Panel logX() {
        this.logX = true;
        return this;
    }

    public Panel logY() {
        this.logY = true;
        return this;
    }

    /** A line through (x[i], y[i]), coloured from the palette in order of addition. */
    public Panel line(String name, double[] x, double[] y) {
        return line(name, x, y, PALETTE[series.size() % PALETTE.length]);
    }

    public Panel line(String name, double[] x, double[] y, Color color) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values and " + y.length
                    + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone(), color, false));
        return this;
    }

    /** Unconnected points (a scatter), e.g. every candidate a search scored. */
    public Panel points(String name, double[] x, double[] y, Color color) {
        line(name, x, y, color);
        Series s = series.remove(series.size() - 1);
        series.add(new Series(s.name, s.x, s.y, color, true));
        return this;
    }

    /** A shaded band over lo <= x <= hi across the whole height. */
    public Panel band(double lo, double hi, String label) {
        return band(lo, hi, label, BAND);
    }

    public Panel band(double lo, double hi, String label, Color color) {
        bands.add(new Band(lo, hi, label, color));
        return this;
    }

    /** A dashed vertical line at x. */
    public Panel marker(double x, String label) {
        return marker(x, label, MARKER);
    }

    public Panel marker(double x, String label, Color color) {
        markers.add(new Marker(x, label, color, true));
        return this;
    }

    /** A dotted horizontal line at y (a threshold, a target). */
    public Panel level(double y, String label) {
        markers.add(new Marker(y, label, MARKER, false));
        return this;
    }

    /** Draws the panel into {@code area} of the figure. */
    void draw(Graphics2D g, Rectangle area) {
        FontMetrics fm = g.getFontMetrics();
        int lineHeight = fm.getHeight();
        Rectangle plot = new Rectangle(area.x + 64, area.y + lineHeight + 10, area.width - 64 - 16,
                area.height - (lineHeight + 10) - (2 * lineHeight + 14));
        Axis xAxis = axis(true);
        Axis yAxis = axis(false);

        g.setColor(Color.BLACK);
        g.drawString(title, area.x + (area.width - fm.stringWidth(title)) / 2, area.y + lineHeight);

        Shape clip = g.getClip();
        g.clip(plot);
        for (Band b : bands) {
            double lo = xAxis.drawable(b.lo) ? b.lo : xAxis.lo();
            double hi = xAxis.drawable(b.hi) ? b.hi : xAxis.hi();
            int x0 = px(xAxis, plot, lo);
            int x1 = px(xAxis, plot, hi);
            Composite old = g.getComposite();
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.35f));
            g.setColor(b.color);
            g.fillRect(Math.min(x0, x1), plot.y, Math.abs(x1 - x0), plot.height);
            g.setComposite(old);
        }
        grid(g, plot, xAxis, yAxis);
        Stroke solid = new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        for (Series s : series) {
            g.setColor(s.color);
            g.setStroke(solid);
            if (s.dots) {
                for (int i = 0; i < s.x.length; i++) {
                    if (xAxis.drawable(s.x[i]) && yAxis.drawable(s.y[i])) {
                        g.fillOval(px(xAxis, plot, s.x[i]) - 3, py(yAxis, plot, s.y[i]) - 3, 6, 6);
                    }
                }
            } else {
                g.draw(path(s, xAxis, yAxis, plot));
            }
        }
        for (Marker m : markers) {
            Axis axis = m.vertical ? xAxis : yAxis;
            if (!axis.drawable(m.at)) {
                continue;
            }
            g.setColor(m.color);
            g.setStroke(m.vertical ? DASHED : DOTTED);
            if (m.vertical) {
                int x = px(xAxis, plot, m.at);
                g.drawLine(x, plot.y, x, plot.y + plot.height);
            } else {
                int y = py(yAxis, plot, m.at);
                g.drawLine(plot.x, y, plot.x + plot.width, y);
            }
        }
        g.setStroke(new BasicStroke(1f));
        g.setClip(clip);
        g.setColor(Color.DARK_GRAY);
        g.draw(plot);
        ticks(g, plot, xAxis, yAxis);
        g.setColor(Color.BLACK);
        g.drawString(xLabel, plot.x + (plot.width - fm.stringWidth(xLabel)) / 2, area.y + area.height - 6);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(plot.y + (plot.height + fm.stringWidth(yLabel)) / 2), area.x + lineHeight);
        rotated.dispose();
        legend(g, plot, xAxis, yAxis);
    }

    private Axis axis(boolean x) {
        boolean log = x ? logX : logY;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[] values = x ? s.x : s.y;
            double[] other = x ? s.y : s.x;
            for (int i = 0; i < values.length; i++) {
                // only points that are drawn count: both coordinates must be showable
                boolean showable = Double.isFinite(values[i]) && (!log || values[i] > 0) && Double.isFinite(other[i])
                        && (!(x ? logY : logX) || other[i] > 0);
                if (showable) {
                    min = Math.min(min, values[i]);
                    max = Math.max(max, values[i]);
                }
            }
        }
        return Axis.fit(min, max, log, x ? 0.0 : 0.05);
    }

    private static Path2D path(Series s, Axis xAxis, Axis yAxis, Rectangle plot) {
        Path2D.Double p = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < s.x.length; i++) {
            if (!xAxis.drawable(s.x[i]) || !yAxis.drawable(s.y[i])) {
                pen = false;
                continue;
            }
            double x = plot.x + xAxis.unit(s.x[i]) * plot.width;
            double y = plot.y + (1 - yAxis.unit(s.y[i])) * plot.height;
            if (pen) {
                p.lineTo(x, y);
            } else {
                p.moveTo(x, y);
                p.lineTo(x, y); // a lone point still shows as a dot
                pen = true;
            }
        }
        return p;
    }

    private static void grid(Graphics2D g, Rectangle plot, Axis xAxis, Axis yAxis) {
        g.setColor(new Color(0xe6e6e6));
        for (double t : xAxis.ticks()) {
            int x = px(xAxis, plot, t);
            g.drawLine(x, plot.y, x, plot.y + plot.height);
        }
        for (double t : yAxis.ticks()) {
            int y = py(yAxis, plot, t);
            g.drawLine(plot.x, y, plot.x + plot.width, y);
        }
    }

    private static void ticks(Graphics2D g, Rectangle plot, Axis xAxis, Axis yAxis) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.DARK_GRAY);
        for (double t : xAxis.ticks()) {
            int x = px(xAxis, plot, t);
            String label = Axis.format(t);
            g.drawLine(x, plot.y + plot.height, x, plot.y + plot.height + 4);
            g.drawString(label, x - fm.stringWidth(label) / 2, plot.y + plot.height + 4 + fm.getAscent());
        }
        for (double t : yAxis.ticks()) {
            int y = py(yAxis, plot, t);
            String label = Axis.format(t);
            g.drawLine(plot.x - 4, y, plot.x, y);
            g.drawString(label, plot.x - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
    }

    /** The legend, in whichever inner corner of the plot covers the fewest data points. */
    private void legend(Graphics2D g, Rectangle plot, Axis xAxis, Axis yAxis) {
        List<String> labels = new ArrayList<>();
        series.forEach(s -> labels.add(s.name));
        bands.forEach(b -> labels.add(b.label));
        markers.forEach(m -> labels.add(m.label));
        if (labels.stream().allMatch(String::isEmpty)) {
            return;
        }
        FontMetrics fm = g.getFontMetrics();
        int row = fm.getHeight();
        int width = 30 + labels.stream().mapToInt(fm::stringWidth).max().orElse(0) + 8;
        int height = labels.size() * row + 6;
        Rectangle best = null;
        int fewest = Integer.MAX_VALUE;
        for (int corner = 0; corner < 4; corner++) {
            int x = corner % 2 == 0 ? plot.x + plot.width - width - 6 : plot.x + 6;
            int y = corner < 2 ? plot.y + 6 : plot.y + plot.height - height - 6;
            Rectangle box = new Rectangle(x, y, width, height);
            int covered = 0;
            for (Series s : series) {
                for (int i = 0; i < s.x.length; i++) {
                    if (xAxis.drawable(s.x[i]) && yAxis.drawable(s.y[i])
                            && box.contains(px(xAxis, plot, s.x[i]), py(yAxis, plot, s.y[i]))) {
                        covered++;
                    }
                }
            }
            if (covered < fewest) {
                fewest = covered;
                best = box;
            }
        }
        Composite old = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.85f));
        g.setColor(Color.WHITE);
        g.fill(best);
        g.setComposite(old);
        g.setColor(Color.GRAY);
        g.draw(best);
        int y = best.y + 3;
        for (Series s : series) {
            g.setColor(s.color);
            g.setStroke(new BasicStroke(2f));
            g.drawLine(best.x + 5, y + row / 2, best.x + 25, y + row / 2);
            y = legendText(g, best, y, s.name);
        }
        for (Band b : bands) {
            g.setColor(b.color);
            g.fillRect(best.x + 5, y + 3, 20, row - 6);
            y = legendText(g, best, y, b.label);
        }
        for (Marker m : markers) {
            g.setColor(m.color);
            g.setStroke(m.vertical ? DASHED : DOTTED);
            g.drawLine(best.x + 5, y + row / 2, best.x + 25, y + row / 2);
            y = legendText(g, best, y, m.label);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int legendText(Graphics2D g, Rectangle box, int y, String text) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.drawString(text, box.x + 30, y + fm.getAscent());
        return y + fm.getHeight();
    }

    private static int px(Axis axis, Rectangle plot, double v) {
        return (int) Math.round(plot.x + axis.unit(v) * plot.width);
    }

    private static int py(Axis axis, Rectangle plot, double v) {
        return (int) Math.round(plot.y + (1 - axis.unit(v)) * plot.height);
    }
}
