package dev.phaseflow.loadtest.report;

import dev.phaseflow.loadtest.LevelResult;
import dev.phaseflow.loadtest.LoadTestReport;
import dev.phaseflow.loadtest.RequestOutcome;
import dev.phaseflow.loadtest.quality.QualityResult;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import dev.phaseflow.reports.Figure;
import dev.phaseflow.reports.Panel;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The report's PNG figures, drawn with the reports module's {@link Figure}; each mode has one colour throughout. */
final class ReportFigures {
    static final String THROUGHPUT = "throughput.png";
    static final String LATENCY = "latency.png";
    static final String QUALITY_SPEED = "quality-speed.png";
    static final String TIMELINE = "route-timeline.png";
    static final int GRID_SCALE = 3;

    private ReportFigures() {}

    static Color colour(Mode m) {
        return switch (m) {
            case HYBRID -> new Color(0x1f77b4);
            case GLOBAL -> new Color(0xff7f0e);
            case LOCAL -> new Color(0x2ca02c);
            case SWAPPED -> new Color(0xd62728);
        };
    }

    static String samplesFile(Mode m) {
        return "samples-" + m.id() + ".png";
    }

    static String nearestFile(Mode m) {
        return "nearest-" + m.id() + ".png";
    }

    /** Writes every figure there is data for; returns the file names. */
    static List<String> write(LoadTestReport r, Path folder) throws IOException {
        List<String> files = new ArrayList<>();
        if (!r.closed().isEmpty()) {
            throughput(r).writePng(folder.resolve(THROUGHPUT));
            files.add(THROUGHPUT);
            latency(r).writePng(folder.resolve(LATENCY));
            files.add(LATENCY);
        }
        if (!r.quality().isEmpty() && !r.closed().isEmpty()) {
            qualitySpeed(r).writePng(folder.resolve(QUALITY_SPEED));
            files.add(QUALITY_SPEED);
        }
        if (!r.timelines().isEmpty()) {
            timeline(r).writePng(folder.resolve(TIMELINE));
            files.add(TIMELINE);
        }
        for (Map.Entry<Mode, ImageBatch> e : r.samples().entrySet()) {
            writeGrid(e.getValue(), 8, folder.resolve(samplesFile(e.getKey())));
            files.add(samplesFile(e.getKey()));
        }
        for (Map.Entry<Mode, ImageBatch> e : r.closestPairs().entrySet()) {
            writeGrid(e.getValue(), e.getValue().count() / 2, folder.resolve(nearestFile(e.getKey())));
            files.add(nearestFile(e.getKey()));
        }
        return files;
    }

    /** An image grid enlarged GRID_SCALE times, pixel for pixel (28-pixel images are too small to judge as they are). */
    static void writeGrid(ImageBatch images, int columns, Path file) throws IOException {
        BufferedImage grid = Png.grid(images, columns, 1);
        BufferedImage big = new BufferedImage(grid.getWidth() * GRID_SCALE, grid.getHeight() * GRID_SCALE, grid.getType());
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(grid, 0, 0, big.getWidth(), big.getHeight(), null);
        g.dispose();
        Files.write(file, Png.encode(big));
    }

    private static Figure throughput(LoadTestReport r) {
        Figure f = new Figure("Throughput against concurrency (closed loop)", 2)
                .subtitle(r.config().steps() + " " + r.config().solver() + " steps, " + r.config().imagesPerRequest()
                        + " image(s) per request");
        Panel images = f.panel("images/s").logX().xLabel("concurrent clients").yLabel("images/s");
        Panel steps = f.panel("steps/s (request steps)").logX().xLabel("concurrent clients").yLabel("steps/s");
        for (Mode m : r.config().modes()) {
            images.line(m.id(), levels(r, m), values(r, m, LevelResult::imagesPerSecond), colour(m));
            steps.line(m.id(), levels(r, m), values(r, m, LevelResult::stepsPerSecond), colour(m));
        }
        return f;
    }

    private static Figure latency(LoadTestReport r) {
        Figure f = new Figure("Request latency against concurrency (closed loop)", 2);
        record Stat(String name, ToDoubleFunction<LevelResult> value) {}
        List<Stat> stats = List.of(new Stat("p50", l -> l.latency().p50Ms()), new Stat("p90", l -> l.latency().p90Ms()),
                new Stat("p99", l -> l.latency().p99Ms()), new Stat("max", l -> l.latency().maxMs()));
        for (Stat s : stats) {
            Panel p = f.panel(s.name() + " latency").logX().logY().xLabel("concurrent clients").yLabel("ms");
            for (Mode m : r.config().modes()) {
                p.line(m.id(), levels(r, m), values(r, m, s.value()), colour(m));
            }
        }
        return f;
    }

    /** FD against images/s: each mode a horizontal stroke over its throughputs at the levels (its FD is one number). */
    private static Figure qualitySpeed(LoadTestReport r) {
        Figure f = new Figure("Quality against speed", 2)
                .subtitle("lower is better on both quality axes; each stroke spans a mode's images/s over the concurrency levels");
        Panel fd = f.panel("Frechet distance (classifier features)").logX().xLabel("images/s").yLabel("FD");
        Panel tv = f.panel("class histogram: TV distance to uniform").logX().xLabel("images/s").yLabel("TV");
        for (Mode m : r.config().modes()) {
            QualityResult q = r.quality().get(m);
            if (q == null) {
                continue;
            }
            double[] x = values(r, m, LevelResult::imagesPerSecond);
            fd.line(m.id(), x, constant(x.length, q.frechet().value()), colour(m));
            tv.line(m.id(), x, constant(x.length, q.classes().totalVariationToUniform()), colour(m));
        }
        r.realData().ifPresent(q -> fd.level(q.frechet().value(), "real data (" + q.images() + " training images)"));
        return f;
    }

    /** One request per mode: route of each step (0 local, 1 global) over the sigma it started from. */
    private static Figure timeline(LoadTestReport r) {
        Figure f = new Figure("Route of each step against sigma (one request per mode)", 2)
                .subtitle("0 = local model, 1 = global model; the schedule runs from right (high sigma) to left");
        for (Map.Entry<Mode, List<RequestOutcome.StepRecord>> e : r.timelines().entrySet()) {
            List<RequestOutcome.StepRecord> steps = e.getValue();
            // a step function: each step holds its route from its sigma down to the next step's
            double[] x = new double[2 * steps.size()];
            double[] y = new double[2 * steps.size()];
            for (int i = 0; i < steps.size(); i++) {
                double route = steps.get(i).route() == Route.GLOBAL ? 1 : 0;
                x[2 * i] = steps.get(i).sigma();
                x[2 * i + 1] = i + 1 < steps.size() ? steps.get(i + 1).sigma() : steps.get(i).sigma();
                y[2 * i] = route;
                y[2 * i + 1] = route;
            }
            Panel p = f.panel(e.getKey().id() + " (" + steps.size() + " steps)").logX().xLabel("sigma")
                    .yLabel("route").line(e.getKey().id(), x, y, colour(e.getKey()));
            r.window().ifPresent(w -> p.band(w[0], w[1], "transition window"));
        }
        return f;
    }

    private static double[] levels(LoadTestReport r, Mode m) {
        return r.closed().stream().filter(l -> l.mode() == m).mapToDouble(LevelResult::level).toArray();
    }

    private static double[] values(LoadTestReport r, Mode m, ToDoubleFunction<LevelResult> f) {
        return r.closed().stream().filter(l -> l.mode() == m).mapToDouble(l -> l.completed() > 0 ? f.applyAsDouble(l)
                : Double.NaN).toArray();
    }

    private static double[] constant(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
