package dev.phaseflow.loadtest.report;

import dev.phaseflow.loadtest.EngineCalls;
import dev.phaseflow.loadtest.LevelResult;
import dev.phaseflow.loadtest.LoadTestConfig;
import dev.phaseflow.loadtest.LoadTestReport;
import dev.phaseflow.loadtest.RequestOutcome;
import dev.phaseflow.loadtest.quality.ClassHistogram;
import dev.phaseflow.loadtest.quality.QualityResult;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** report.md: the headline table first, then the figures per mode and level, quality, baseline, notes and method. */
final class ReportMarkdown {
    private ReportMarkdown() {}

    static String render(LoadTestReport r, List<String> files) {
        StringBuilder md = new StringBuilder();
        LoadTestConfig c = r.config();
        md.append("# phaseflow load test: hybrid against global-only sampling\n\n");
        md.append("- target: ").append(r.target()).append('\n');
        md.append("- started ").append(r.started()).append(", took ").append(num(r.seconds())).append(" s on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
        md.append("- requests: ").append(c.imagesPerRequest()).append(" image(s), ").append(c.steps()).append(' ')
                .append(c.solver()).append(" steps on the ").append(c.schedule()).append(" schedule; request i has seed ")
                .append(c.seed()).append(" + i in every mode\n");
        md.append("- closed loop: ").append(c.requestsPerLevel()).append(" requests per mode at ")
                .append(c.levels().stream().map(String::valueOf).collect(Collectors.joining(", "))).append(" clients\n\n");
        headline(md, r);
        closed(md, r);
        open(md, r);
        quality(md, r);
        timelines(md, r);
        baseline(md, r);
        md.append("## Figures\n\n");
        for (String f : files) {
            if (f.endsWith(".png")) {
                md.append("![").append(f).append("](").append(f).append(")\n\n");
            }
        }
        if (!r.notes().isEmpty()) {
            md.append("## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        method(md, r);
        return md.toString();
    }

    private static void headline(StringBuilder md, LoadTestReport r) {
        LoadTestConfig c = r.config();
        int top = c.maxLevel();
        md.append("## Headline\n\n");
        List<String> header = new ArrayList<>(List.of("mode"));
        c.levels().forEach(l -> header.add("images/s @" + l));
        header.addAll(List.of("p50 ms @" + top, "p99 ms @" + top, "FD", "FD / global", "class TV", "nearest-train L2",
                "near-copies", "speed-up vs global (peak)"));
        row(md, header);
        separator(md, header.size());
        for (Mode m : c.modes()) {
            List<String> cells = new ArrayList<>(List.of(m.id()));
            c.levels().forEach(l -> cells.add(num(r.closed(m, l).filter(x -> x.completed() > 0)
                    .map(LevelResult::imagesPerSecond).orElse(Double.NaN))));
            Optional<LevelResult> atTop = r.closed(m, top).filter(x -> x.completed() > 0);
            cells.add(num(atTop.map(x -> x.latency().p50Ms()).orElse(Double.NaN)));
            cells.add(num(atTop.map(x -> x.latency().p99Ms()).orElse(Double.NaN)));
            QualityResult q = r.quality().get(m);
            cells.add(q == null ? "–" : num(q.frechet().value()));
            cells.add(ratio(r.fdRatio(m)));
            cells.add(q == null ? "–" : num(q.classes().totalVariationToUniform()));
            cells.add(q == null ? "–" : num(q.nearest().mean()));
            cells.add(q == null ? "–" : percent(q.nearest().nearCopyFraction()));
            cells.add(ratio(r.peakSpeedUp(m)));
            row(md, cells);
        }
        md.append('\n');
        if (c.modes().contains(Mode.HYBRID) && c.modes().contains(Mode.GLOBAL)) {
            String perLevel = c.levels().stream().map(l -> ratio(r.speedUp(Mode.HYBRID, l)) + " at " + l)
                    .collect(Collectors.joining(", "));
            md.append("**Hybrid over global:** ").append(ratio(r.peakSpeedUp(Mode.HYBRID))).append(" peak images/s (")
                    .append(perLevel).append(" clients); FD ratio hybrid / global ").append(ratio(r.fdRatio(Mode.HYBRID)))
                    .append(".\n\n");
        }
        if (r.baseline().ran()) {
            md.append("**PyTorch baseline** (global model alone, same sampler): ").append(num(r.baseline().imagesPerSecond()))
                    .append(" images/s; the engine's global mode peaked at ")
                    .append(num(r.peakImagesPerSecond(Mode.GLOBAL).orElse(Double.NaN))).append(" images/s.\n\n");
        }
    }

    private static void closed(StringBuilder md, LoadTestReport r) {
        if (r.closed().isEmpty()) {
            return;
        }
        md.append("## Closed loop\n\nEach client sends its next request when its previous one ends. Latency from send to "
                + "completed event, completed requests only; evaluations from the Completed events (one per request per "
                + "solver evaluation); engine executions are the batched model calls that served them.\n\n");
        levelTable(md, r.closed(), "clients");
    }

    private static void open(StringBuilder md, LoadTestReport r) {
        if (r.open().isEmpty()) {
            return;
        }
        md.append("## Open loop\n\nRequests on a fixed schedule, sent whether or not earlier ones finished. Latency counts "
                + "from each request's scheduled time (corrected for coordinated omission); \"uncorrected\" counts from "
                + "the actual send.\n\n");
        List<String> header = List.of("mode", "rate (req/s)", "ok / sent", "errors", "images/s", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "uncorrected p99 ms", "max send lag ms");
        row(md, header);
        separator(md, header.size());
        for (LevelResult l : r.open()) {
            row(md, List.of(l.mode().id(), num(l.level()), l.completed() + " / " + l.sent(), errors(l),
                    num(l.imagesPerSecond()), num(l.latency().p50Ms()), num(l.latency().p90Ms()), num(l.latency().p99Ms()),
                    num(l.latency().maxMs()), num(l.serviceLatency().p99Ms()), num(l.maxDispatchLagMs())));
        }
        md.append('\n');
    }

    private static void levelTable(StringBuilder md, List<LevelResult> levels, String levelName) {
        List<String> header = List.of("mode", levelName, "ok / sent", "errors", "images/s", "steps/s",
                "evaluations local / global", "engine executions (mean batch)", "p50 ms", "p90 ms", "p99 ms", "max ms",
                "first event p50 / p99 ms");
        row(md, header);
        separator(md, header.size());
        for (LevelResult l : levels) {
            row(md, List.of(l.mode().id(), Long.toString(Math.round(l.level())), l.completed() + " / " + l.sent(), errors(l),
                    num(l.imagesPerSecond()), num(l.stepsPerSecond()),
                    l.evaluationsByRoute().getOrDefault(Route.LOCAL, 0L) + " / "
                            + l.evaluationsByRoute().getOrDefault(Route.GLOBAL, 0L),
                    engine(l.engineCalls()), num(l.latency().p50Ms()), num(l.latency().p90Ms()), num(l.latency().p99Ms()),
                    num(l.latency().maxMs()), num(l.firstEvent().p50Ms()) + " / " + num(l.firstEvent().p99Ms())));
        }
        md.append('\n');
    }

    private static void quality(StringBuilder md, LoadTestReport r) {
        if (r.quality().isEmpty()) {
            return;
        }
        md.append("## Quality\n\n");
        r.qualitySetup().ifPresent(s -> md.append("- features: ").append(s.features()).append("\n- FD reference: ")
                .append(s.referenceImages()).append(" held-out images from ").append(s.reference())
                .append("\n- nearest-neighbour set: ").append(s.neighbourImages()).append(" images from ")
                .append(s.neighbours()).append("; near-copy: L2 < ").append(num(s.nearCopyThreshold()))
                .append(" (pixels in [-1, 1])\n\n"));
        List<String> header = List.of("images of", "n", "FD", "FD mean term", "class TV", "chi-square", "entropy bits (max)",
                "nearest-train L2 mean", "median", "min", "near-copies");
        row(md, header);
        separator(md, header.size());
        List<QualityResult> rows = new ArrayList<>(r.quality().values());
        r.realData().ifPresent(rows::add);
        for (QualityResult q : rows) {
            ClassHistogram h = q.classes();
            row(md, List.of(q.label(), Integer.toString(q.images()), num(q.frechet().value()), num(q.frechet().meanTerm()),
                    num(h.totalVariationToUniform()), num(h.chiSquareToUniform()),
                    num(h.entropyBits()) + " (" + num(h.maxEntropyBits()) + ")", num(q.nearest().mean()),
                    num(q.nearest().median()), num(q.nearest().min()), percent(q.nearest().nearCopyFraction())));
        }
        md.append('\n');
        r.realData().ifPresent(q -> md.append("The real-data row: FD and classes of ").append(q.images())
                .append(" training images (the FD that this many samples of the true distribution reach), nearest-train "
                        + "distances of as many held-out test images (how close unseen real images come to the training set).\n\n"));
        md.append("Class counts (classifier argmax):\n\n");
        int classes = rows.get(0).classes().counts().length;
        List<String> classHeader = new ArrayList<>(List.of("images of"));
        for (int k = 0; k < classes; k++) {
            classHeader.add(Integer.toString(k));
        }
        row(md, classHeader);
        separator(md, classHeader.size());
        for (QualityResult q : rows) {
            List<String> cells = new ArrayList<>(List.of(q.label()));
            for (int count : q.classes().counts()) {
                cells.add(Integer.toString(count));
            }
            row(md, cells);
        }
        md.append('\n');
        if (!r.qualityRuns().isEmpty()) {
            md.append("The quality images were generated closed-loop (their own load figures):\n\n");
            levelTable(md, r.qualityRuns(), "clients");
        }
    }

    private static void timelines(StringBuilder md, LoadTestReport r) {
        if (r.timelines().isEmpty()) {
            return;
        }
        md.append("## Route timelines\n\nOne request per mode, steps in order (sigma at the start of each run of steps):\n\n");
        for (Map.Entry<Mode, List<RequestOutcome.StepRecord>> e : r.timelines().entrySet()) {
            md.append("- ").append(e.getKey().id()).append(": ").append(runs(e.getValue())).append('\n');
        }
        r.window().ifPresent(w -> md.append("\nTransition window of the router plan: sigma in [").append(num(w[0]))
                .append(", ").append(num(w[1])).append(").\n"));
        md.append('\n');
    }

    /** "local x10 (sigma 80 to 6.1), global x12 (...)": runs of consecutive steps on one model. */
    static String runs(List<RequestOutcome.StepRecord> steps) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < steps.size()) {
            int j = i;
            while (j + 1 < steps.size() && steps.get(j + 1).model().equals(steps.get(i).model())) {
                j++;
            }
            out.add(steps.get(i).route().id() + " '" + steps.get(i).model() + "' x" + (j - i + 1) + " (sigma "
                    + num(steps.get(i).sigma()) + (j > i ? " to " + num(steps.get(j).sigma()) : "") + ")");
            i = j + 1;
        }
        return String.join(", ", out);
    }

    private static void baseline(StringBuilder md, LoadTestReport r) {
        md.append("## PyTorch baseline\n\n");
        if (!r.baseline().ran()) {
            md.append(r.baseline().status()).append(": ").append(r.baseline().reason()).append("\n\n");
            return;
        }
        var d = r.baseline().details();
        md.append("The global model alone in plain PyTorch (").append(d.path("weights").asText()).append(", golden max |dv| ")
                .append(d.path("golden_max_abs_diff").isNumber() ? num(d.path("golden_max_abs_diff").asDouble()) : "unchecked")
                .append("), Euler on the Karras schedule, ").append(d.path("steps").asInt()).append(" steps, batch ")
                .append(d.path("batch").asInt()).append(", ").append(d.path("threads").asInt()).append(" threads, torch ")
                .append(d.path("torch").asText()).append(": **").append(num(r.baseline().imagesPerSecond()))
                .append(" images/s** over ").append(d.path("images").asInt())
                .append(" images. Script, command and output are in baseline/.\n\n");
    }

    private static void method(StringBuilder md, LoadTestReport r) {
        md.append("## Method\n\n");
        md.append("- Throughput: images (and Step events) of completed requests over the time from the first send to the "
                + "last completion of the run. Latency percentiles come from an HdrHistogram at microsecond resolution "
                + "(3 significant digits); failed requests are counted by kind, not timed.\n");
        md.append("- Same seeds: request i of every run has seed base + i in every mode, so the sample grids compare "
                + "image by image.\n");
        md.append("- Frechet distance: mean and covariance of the generated images' features against those of the held-out "
                + "images; FD = |mu_a - mu_b|^2 + tr S_a + tr S_b - 2 tr (S_a S_b)^(1/2), the last term as the sum of the "
                + "square roots of the eigenvalues of S_a^(1/2) S_b S_a^(1/2) (symmetric, similar to S_a S_b), both "
                + "eigen-decompositions by EJML's symmetric solver. FD is biased upwards at small sample sizes: compare "
                + "modes at the same n, and against the real-data row.\n");
        md.append("- Class histogram: total variation distance to uniform (0 for balanced classes, 1 - 1/K for one class), "
                + "Pearson chi-square against equal counts, and entropy in bits.\n");
        md.append("- Memorisation check: L2 distance in pixel space from each generated image to its nearest training "
                + "image (exact search); near-copies fall below the threshold. nearest-<mode>.png shows the closest pairs "
                + "(generated above, training below).\n");
    }

    private static String engine(Map<String, EngineCalls> calls) {
        if (calls.isEmpty()) {
            return "–";
        }
        return calls.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().calls() + " ("
                + num(e.getValue().meanBatchImages()) + ")").collect(Collectors.joining(", "));
    }

    private static String errors(LevelResult l) {
        return l.errors().isEmpty() ? "0" : l.errors().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static void separator(StringBuilder md, int columns) {
        md.append("|---".repeat(columns)).append("|\n");
    }

    /** Three significant digits or so, plain notation; a dash for missing values. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        String s;
        if (a >= 100) {
            s = String.format(Locale.ROOT, "%.0f", v);
        } else if (a >= 10) {
            s = String.format(Locale.ROOT, "%.1f", v);
        } else if (a >= 1) {
            s = String.format(Locale.ROOT, "%.2f", v);
        } else if (a == 0) {
            s = "0";
        } else {
            s = String.format(Locale.ROOT, "%.3g", v);
        }
        return s;
    }

    private static String ratio(double v) {
        return Double.isFinite(v) ? "x" + String.format(Locale.ROOT, "%.2f", v) : "–";
    }

    private static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "–";
    }
}
