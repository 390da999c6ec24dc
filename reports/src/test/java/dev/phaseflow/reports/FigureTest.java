package dev.phaseflow.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
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
    void axesAreLogWhereAskedAndFitTheShownPointsOnly() {
        Figure f = new Figure("axes", 1);
        XYPlot log = f.panel("log").logX().logY()
                .line("a", new double[] {0.01, 0.1, 1, 10}, new double[] {1e-3, 0, 1e-1, Double.NaN})
                .line("b", new double[] {0.01, 0.1}, new double[] {1e-2, 2e-2}).chart().getXYPlot();
        assertInstanceOf(LogAxis.class, log.getDomainAxis());
        assertInstanceOf(LogAxis.class, log.getRangeAxis());
        // x over the shown points, unpadded (10 has no y to show); y padded by 5 % of its 2 decades on each side
        assertRange(0.01, 1, log.getDomainAxis());
        assertRange(Math.pow(10, -3.1), Math.pow(10, -0.9), log.getRangeAxis());
        assertTrue(Double.isNaN(log.getDataset().getYValue(0, 1)), "0 on a log axis is a gap in the line");
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) log.getRenderer();
        assertTrue(renderer.getItemShapeVisible(0, 0) && renderer.getItemShapeVisible(0, 2),
                "points left alone between gaps show as dots");
        assertFalse(renderer.getItemShapeVisible(1, 0), "a line's connected points do not");
        assertEquals(List.of("a", "b"), legend(log));

        XYPlot linear = f.panel("linear").line("c", new double[] {1, 2, 3}, new double[] {5, 5, 5}).band(1.5, 9, "band")
                .level(5, "").chart().getXYPlot();
        assertInstanceOf(NumberAxis.class, linear.getDomainAxis());
        assertInstanceOf(NumberAxis.class, linear.getRangeAxis());
        assertRange(1, 3, linear.getDomainAxis());
        assertRange(4, 6, linear.getRangeAxis()); // one value: +-1
        assertEquals(List.of("c", "band"), legend(linear), "unlabelled marks stay out of the legend");

        XYPlot empty = f.panel("empty").logX().chart().getXYPlot();
        assertRange(1, 10, empty.getDomainAxis());
        assertRange(0, 1, empty.getRangeAxis());
    }

    /** Today's oracle of the hand-written axis: over two decades or less, log ticks at 1, 2 and 5 times a power of ten. */
    @Test
    void fewDecadesTickAtOneTwoFive() {
        XYPlot plot = new Figure("ticks", 1).panel("p").logX().logY()
                .line("a", new double[] {0.9, 30}, new double[] {0.002, 80}).chart().getXYPlot();
        assertEquals(List.of("1", "2", "5", "10", "20"), ticks(plot.getDomainAxis(), RectangleEdge.BOTTOM).stream()
                .map(ValueTick::getText).toList());
        // more decades (0.002..80, padded to 10^-2.93..10^2.13): major ticks at the powers of ten only
        List<Double> decades = ticks(plot.getRangeAxis(), RectangleEdge.LEFT).stream()
                .filter(t -> t.getTickType() == TickType.MAJOR).map(t -> Math.log10(t.getValue())).toList();
        assertEquals(List.of(-2L, -1L, 0L, 1L, 2L), decades.stream().map(Math::round).toList());
        decades.forEach(d -> assertEquals(Math.rint(d), d, 1e-9, "a power of ten"));
    }

    private static List<ValueTick> ticks(ValueAxis axis, RectangleEdge edge) {
        Graphics2D g = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB).createGraphics();
        List<ValueTick> ticks = new ArrayList<>();
        for (Object tick : axis.refreshTicks(g, new AxisState(), new Rectangle(0, 0, 400, 300), edge)) {
            ticks.add((ValueTick) tick);
        }
        g.dispose();
        return ticks;
    }

    private static void assertRange(double lo, double hi, ValueAxis axis) {
        assertEquals(lo, axis.getLowerBound(), 1e-9 * Math.abs(lo) + 1e-15, axis.getLabel() + " lower bound");
        assertEquals(hi, axis.getUpperBound(), 1e-9 * Math.abs(hi) + 1e-15, axis.getLabel() + " upper bound");
    }

    private static List<String> legend(XYPlot plot) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < plot.getLegendItems().getItemCount(); i++) {
            labels.add(plot.getLegendItems().get(i).getLabel());
        }
        return labels;
    }

    private static int count(BufferedImage image, Color color, int x0, int y0, int width, int height) {
        return PngCheck.count(image, color, x0, y0, width, height);
    }
}
