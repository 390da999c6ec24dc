package dev.phaseflow.reports;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One chart of a {@link Figure}: line series on linear or logarithmic axes, shaded x-bands,
 * vertical and horizontal marker lines and a legend, as a JFreeChart {@link XYPlot}. Built by
 * chained calls, drawn by the figure. Points that an axis cannot show (NaN, infinite, or not
 * positive on a log axis) break the line; a point left alone by such gaps shows as a dot.
 */
public final class Panel {
    /** Line colours, in order of the series (Tableau 10). */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22),
            new Color(0x17becf)};
    private static final Color BAND = new Color(0x9ecae1);
    private static final float BAND_ALPHA = 0.35f;
    private static final Color MARKER = new Color(0x444444);
    private static final Color GRID = new Color(0xe6e6e6);
    private static final Stroke LINE = new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final Stroke DASHED = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {6, 4}, 0);
    private static final Stroke DOTTED = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {2, 3}, 0);
    /** Tick steps of a log axis, in decades: ticks at powers of ten only. */
    private static final TickUnits DECADES = new TickUnits();
    static {
        for (int decades : new int[] {1, 2, 5, 10, 20, 50, 100}) {
            DECADES.add(new NumberTickUnit(decades));
        }
    }
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private record Series(String name, double[] x, double[] y, Color color, boolean dots) {}

    private record Band(double lo, double hi, String label, Color color) {}

    private record Marker(double at, String label, Color color, boolean vertical) {}

    /** A series' key in the dataset: its place (names may repeat), shown by its name. */
    private record Key(int index, String name) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return Integer.compare(index, o.index);
        }

        @Override
        public String toString() {
            return name;
        }
    }

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
        return add(name, x, y, color, false);
    }

    /** Unconnected points (a scatter), e.g. every candidate a search scored. */
    public Panel points(String name, double[] x, double[] y, Color color) {
        return add(name, x, y, color, true);
    }

    private Panel add(String name, double[] x, double[] y, Color color, boolean dots) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values and " + y.length
                    + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone(), color, dots));
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

    /** The panel as a chart: title on top, legend below the plot. */
    JFreeChart chart() {
        XYSeriesCollection data = new XYSeriesCollection();
        double[] xRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yRange = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        List<boolean[]> alone = new ArrayList<>();
        for (Series s : series) {
            XYSeries xy = new XYSeries(new Key(data.getSeriesCount(), s.name), false, true);
            boolean[] shown = new boolean[s.x.length];
            for (int i = 0; i < s.x.length; i++) {
                shown[i] = showable(s.x[i], logX) && showable(s.y[i], logY);
                if (shown[i]) {
                    xy.add(s.x[i], s.y[i]);
                    include(xRange, s.x[i]);
                    include(yRange, s.y[i]);
                } else {
                    xy.add(Double.NaN, Double.NaN); // a gap in the line
                }
            }
            data.addSeries(xy);
            alone.add(alone(shown));
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer() {
            @Override
            public boolean getItemShapeVisible(int s, int item) {
                return series.get(s).dots || alone.get(s)[item];
            }
        };
        for (int s = 0; s < series.size(); s++) {
            renderer.setSeriesPaint(s, series.get(s).color);
            renderer.setSeriesStroke(s, LINE);
            renderer.setSeriesShape(s, new Ellipse2D.Double(-3, -3, 6, 6));
            renderer.setSeriesLinesVisible(s, !series.get(s).dots);
        }
        XYPlot plot = new XYPlot(data, axis(xLabel, logX, fit(xRange, logX, 0.0)), axis(yLabel, logY,
                fit(yRange, logY, 0.05)), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(Color.DARK_GRAY);
        LegendItemCollection legend = new LegendItemCollection();
        for (Series s : series) {
            legend.add(s.dots ? new LegendItem(s.name, null, null, null, new Ellipse2D.Double(-3, -3, 6, 6), s.color)
                    : line(s.name, LINE, s.color));
        }
        for (Band b : bands) {
            Color fill = b.color;
            IntervalMarker m = new IntervalMarker(edge(b.lo, logX, true), edge(b.hi, logX, false), fill);
            m.setAlpha(BAND_ALPHA);
            plot.addDomainMarker(m, Layer.BACKGROUND);
            legend.add(new LegendItem(b.label, null, null, null, new Rectangle2D.Double(-10, -5, 20, 10), fill));
        }
        for (Marker m : markers) {
            Stroke stroke = m.vertical ? DASHED : DOTTED;
            if (showable(m.at, m.vertical ? logX : logY)) {
                ValueMarker v = new ValueMarker(m.at, m.color, stroke);
                if (m.vertical) {
                    plot.addDomainMarker(v, Layer.FOREGROUND);
                } else {
                    plot.addRangeMarker(v, Layer.FOREGROUND);
                }
            }
            legend.add(line(m.label, stroke, m.color));
        }
        LegendItemCollection labelled = new LegendItemCollection();
        for (int i = 0; i < legend.getItemCount(); i++) {
            if (!legend.get(i).getLabel().isEmpty()) {
                labelled.add(legend.get(i));
            }
        }
        plot.setFixedLegendItems(labelled);
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, labelled.getItemCount() > 0);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legendTitle = chart.getLegend();
        if (legendTitle != null) {
            legendTitle.setPosition(RectangleEdge.BOTTOM);
            legendTitle.setItemFont(LEGEND_FONT);
            legendTitle.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return chart;
    }

    private static LegendItem line(String label, Stroke stroke, Color color) {
        return new LegendItem(label, null, null, null, new Line2D.Double(-10, 0, 10, 0), stroke, color);
    }

    /** Whether a value can be drawn on an axis (finite, and positive on a log axis). */
    private static boolean showable(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** A band's edge beyond the axis (not showable) becomes the far end of the axis, where the plot clips it. */
    private static double edge(double v, boolean log, boolean lower) {
        return showable(v, log) ? v : lower ? (log ? Double.MIN_VALUE : Double.NEGATIVE_INFINITY) : Double.POSITIVE_INFINITY;
    }

    private static void include(double[] range, double v) {
        range[0] = Math.min(range[0], v);
        range[1] = Math.max(range[1], v);
    }

    /** Points shown with no shown neighbour: a line through them draws nothing, so they get a dot. */
    private static boolean[] alone(boolean[] shown) {
        boolean[] out = new boolean[shown.length];
        for (int i = 0; i < shown.length; i++) {
            out[i] = shown[i] && (i == 0 || !shown[i - 1]) && (i + 1 == shown.length || !shown[i + 1]);
        }
        return out;
    }

    private static ValueAxis axis(String label, boolean log, Range range) {
        ValueAxis axis;
        if (log) {
            LogAxis a = new FewDecadesAxis(label);
            a.setSmallestValue(Double.MIN_NORMAL);
            a.setStandardTickUnits(DECADES);
            a.setMinorTickMarksVisible(true);
            axis = a;
        } else {
            NumberAxis a = new NumberAxis(label);
            a.setAutoRangeIncludesZero(false);
            axis = a;
        }
        axis.setRange(range, true, false);
        return axis;
    }

    /** A log axis that, over two decades or less, ticks at 1, 2 and 5 times the powers of ten, labelled plainly. */
    private static final class FewDecadesAxis extends LogAxis {
        FewDecadesAxis(String label) {
            super(label);
        }

        @Override
        @SuppressWarnings("rawtypes")
        public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            double lo = getLowerBound();
            double hi = getUpperBound();
            if (Math.log10(hi / lo) > 2) {
                return super.refreshTicks(g2, state, dataArea, edge);
            }
            TextAnchor anchor = RectangleEdge.isLeftOrRight(edge) ? TextAnchor.CENTER_RIGHT : TextAnchor.TOP_CENTER;
            List<NumberTick> ticks = new ArrayList<>();
            for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
                for (double m : new double[] {1, 2, 5}) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                        String text = BigDecimal.valueOf(v).round(MathContext.DECIMAL32).stripTrailingZeros().toPlainString();
                        ticks.add(new NumberTick(v, text, anchor, anchor, 0));
                    }
                }
            }
            return ticks;
        }
    }

    /**
     * The axis range over the shown values, padded (in log space on a log axis) so that lines do
     * not run along the frame; a decade (log) or [v - 1, v + 1] (linear) around a single value;
     * a default range when there are none.
     */
    static Range fit(double[] minMax, boolean log, double padding) {
        double min = minMax[0];
        double max = minMax[1];
        if (!(min <= max)) {
            return log ? new Range(1, 10) : new Range(0, 1);
        }
        if (log) {
            double a = Math.log10(min);
            double b = Math.log10(max);
            if (b - a < 1e-9) {
                a -= 0.5;
                b += 0.5;
            }
            double pad = (b - a) * padding;
            return new Range(Math.pow(10, a - pad), Math.pow(10, b + pad));
        }
        if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
            return new Range(min - 1, max + 1);
        }
        double pad = (max - min) * padding;
        return new Range(min - pad, max + pad);
    }
}
