package dev.phaseflow.loadtest;

import dev.phaseflow.loadtest.baseline.BaselineResult;
import dev.phaseflow.loadtest.baseline.TorchBaseline;
import dev.phaseflow.loadtest.quality.ClassifierFeatures;
import dev.phaseflow.loadtest.quality.QualityData;
import dev.phaseflow.loadtest.quality.QualityEvaluator;
import dev.phaseflow.loadtest.quality.QualityResult;
import dev.phaseflow.loadtest.report.ReportWriter;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.NoiseConvention;
import dev.phaseflow.models.Parameterisation;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The load test: hybrid against global-only sampling (and the local and swapped controls), speed
 * and quality side by side. In order, within one wall-time bound:
 *
 * <ol>
 * <li>warm-up: one request per mode, not measured;</li>
 * <li>closed loop: for each concurrency level, each mode in turn (interleaved, so that a drift
 *     of the machine does not favour one mode), {@code requestsPerLevel} requests;</li>
 * <li>open loop: each mode at one arrival rate (by default 70% of global's peak closed-loop
 *     request rate: global near saturation, so the modes' latencies under the same offered load compare);</li>
 * <li>quality: {@code qualityImages} images per mode, sent closed-loop at the highest level, then
 *     Frechet distance, class histogram and nearest-training-image distances;</li>
 * <li>the PyTorch baseline of the global model;</li>
 * <li>the report.</li>
 * </ol>
 *
 * Request i of every run uses seed {@code seed + i} in every mode. The phases get 45%, 20% and
 * 25% of the time bound (each may use what earlier ones left); what does not fit is cut and
 * named in the report's notes.
 */
public final class LoadTest {
    /** The share of global's peak closed-loop request rate that the automatic open-loop rate offers. */
    static final double AUTO_RATE_FRACTION = 0.7;
    /** Images of each mode kept for the sample grids. */
    static final int GRID_IMAGES = 64;
    /** Closest generated-training pairs shown per mode. */
    static final int CLOSEST_PAIRS = 8;

    private LoadTest() {}

    /** The PyTorch baseline as the orchestrator runs it: given its folder and the time left. */
    @FunctionalInterface
    public interface Baseline {
        BaselineResult run(Path folder, Duration timeLeft) throws InterruptedException;
    }

    /**
     * What a run is wired to; {@link #run(LoadTestConfig)} builds it from the zoo, tests build it
     * from analytic models.
     */
    public record Harness(Target target, Optional<QualityEvaluator> quality, Baseline baseline, Ticker ticker,
                          Consumer<String> progress) {}

    /** Runs against the config's target (in-process engine over the zoo, or a server URL) and writes the report. */
    public static LoadTestReport run(LoadTestConfig config) throws IOException, InterruptedException {
        List<String> notes = new ArrayList<>();
        ModelZoo zoo = openZoo(config, notes);
        try {
            Target target = config.url().isPresent()
                    ? Target.remote(config.url().get(), config.requestTimeout())
                    : Target.engine(ModelSet.fromZoo(zoo, config.tileSize()), config.engine());
            try (target) {
                Optional<QualityEvaluator> quality = qualityEvaluator(config, zoo, notes);
                if (config.url().isPresent() && quality.isPresent()) {
                    notes.add("quality metrics use the server's images as it sends them (8-bit PNG), not the engine's floats");
                }
                Baseline baseline = baseline(config, zoo, target);
                Consumer<String> progress = line -> System.err.println("loadtest: " + line);
                return run(config, new Harness(target, quality, baseline, Ticker.SYSTEM, progress), notes);
            }
        } finally {
            if (zoo != null) {
                zoo.close();
            }
        }
    }

    /** Runs the phases against a wired harness and writes the report into the config's output folder. */
    public static LoadTestReport run(LoadTestConfig config, Harness h, List<String> setupNotes)
            throws IOException, InterruptedException {
        Instant started = Instant.now();
        Ticker ticker = h.ticker();
        long t0 = ticker.nanoTime();
        long bound = config.timeBound().toNanos();
        long end = t0 + bound;
        List<String> notes = new ArrayList<>(setupNotes);
        RequestRunner runner = new RequestRunner(h.target().service(), ticker, config.requestTimeout());
        SampleRequest template = SampleRequest.defaults().withSteps(config.steps()).withSolver(config.solver())
                .withSchedule(config.schedule()).withCount(config.imagesPerRequest());
        Map<Mode, List<RequestOutcome.StepRecord>> timelines = new EnumMap<>(Mode.class);

        warmUp(config, runner, template, end, notes, h.progress());
        List<LevelResult> closed = closedLoop(config, h, runner, template, t0 + bound * 45 / 100, timelines, notes);
        List<LevelResult> open = openLoop(config, h, runner, template, closed, t0 + bound * 65 / 100, notes);

        List<LevelResult> qualityRuns = new ArrayList<>();
        Map<Mode, QualityResult> quality = new LinkedHashMap<>();
        Map<Mode, ImageBatch> samples = new LinkedHashMap<>();
        Map<Mode, ImageBatch> closestPairs = new LinkedHashMap<>();
        Optional<QualityResult> realData = Optional.empty();
        if (h.quality().isPresent() && config.qualityImages() > 0) {
            Map<Mode, ImageBatch> images = generateQualityImages(config, h, runner, template, t0 + bound * 90 / 100,
                    qualityRuns, timelines, notes);
            for (Map.Entry<Mode, ImageBatch> e : images.entrySet()) {
                h.progress().accept("quality " + e.getKey().id() + ": " + e.getValue().count() + " images");
                QualityResult q = h.quality().get().evaluate(e.getKey().id(), e.getValue());
                quality.put(e.getKey(), q);
                closestPairs.put(e.getKey(), closestPairs(e.getValue(), q, h.quality().get().data().neighbours()));
                samples.put(e.getKey(), e.getValue().slice(0, Math.min(GRID_IMAGES, e.getValue().count())));
            }
            h.progress().accept("quality: real-data reference");
            realData = h.quality().get().realData(config.qualityImages());
            if (realData.isEmpty()) {
                notes.add("no real-data reference row: it needs the training split");
            }
        } else if (config.qualityImages() == 0) {
            notes.add("quality metrics were turned off (--quality-images 0)");
        }

        BaselineResult baseline;
        long left = end - ticker.nanoTime();
        if (!config.baseline()) {
            baseline = BaselineResult.skipped("turned off (--baseline off)");
        } else if (left < Duration.ofSeconds(30).toNanos()) {
            baseline = BaselineResult.skipped("less than 30 s of the time bound was left");
        } else {
            h.progress().accept("PyTorch baseline");
            baseline = h.baseline().run(config.output().resolve("baseline"), Duration.ofNanos(left));
        }
        if (!baseline.ran()) {
            notes.add("PyTorch baseline " + baseline.status() + ": " + baseline.reason());
        }

        LoadTestReport report = new LoadTestReport(config, h.target().description(), started,
                (ticker.nanoTime() - t0) / 1e9, closed, open, qualityRuns, quality, realData,
                h.quality().map(LoadTest::setup), timelines,
                h.target().models().map(m -> new double[] {m.plan().windowLo(), m.plan().windowHi()}), samples, closestPairs,
                baseline,
                notes);
        ReportWriter.write(report, config.output());
        return report;
    }

    private static void warmUp(LoadTestConfig config, RequestRunner runner, SampleRequest template, long end,
                               List<String> notes, Consumer<String> progress) {
        for (Mode mode : config.modes()) {
            progress.accept("warm-up " + mode.id());
            RequestOutcome o = runner.run(template.withMode(mode).withSeed(config.seed()), 0, RequestRunner.NOW, end,
                    RequestRunner.Keep.NOTHING).block();
            if (o != null && !o.ok()) {
                notes.add("warm-up request of mode " + mode.id() + " failed (" + o.errorKind() + "): " + o.errorMessage());
            }
        }
    }

    private static List<LevelResult> closedLoop(LoadTestConfig config, Harness h, RequestRunner runner,
                                                SampleRequest template, long deadline,
                                                Map<Mode, List<RequestOutcome.StepRecord>> timelines, List<String> notes)
            throws InterruptedException {
        List<LevelResult> out = new ArrayList<>();
        List<String> cut = new ArrayList<>();
        for (int level : config.levels()) {
            Phase phase = new Phase(Scenario.CLOSED, level, config.requestsPerLevel(), template, false, true, deadline,
                    (plan, start, until, keep) -> ClosedLoop.run(runner, plan, level, config.requestsPerLevel(), until, keep));
            List<Mode> late = eachMode(config, h, phase, timelines, (r, outcomes) -> {
                if (r.sent() < r.planned()) {
                    notes.add("closed loop " + r.mode().id() + " at " + level + " clients: the time bound cut it after "
                            + r.sent() + " of " + r.planned() + " requests");
                }
                out.add(r);
                h.progress().accept(describe(r));
            });
            late.forEach(mode -> cut.add(mode.id() + " at " + level));
        }
        if (!cut.isEmpty()) {
            notes.add("closed loop: the time bound (45% of " + config.timeBound() + ") left no time for " + String.join(", ", cut));
        }
        return out;
    }

    private static List<LevelResult> openLoop(LoadTestConfig config, Harness h, RequestRunner runner, SampleRequest template,
                                              List<LevelResult> closed, long deadline, List<String> notes)
            throws InterruptedException {
        double rate = openLoopRate(config, closed, notes);
        List<LevelResult> out = new ArrayList<>();
        if (!(rate > 0)) {
            return out;
        }
        long duration = config.openLoopDuration().toNanos();
        int requests = (int) Math.max(1, Math.min(config.openLoopMaxRequests(),
                Math.ceil(rate * config.openLoopDuration().toMillis() / 1e3)));
        // each mode: the schedule, then the request timeout for the last requests to finish
        Phase phase = new Phase(Scenario.OPEN, rate, requests, template, false, false, deadline,
                (plan, start, until, keep) -> OpenLoop.run(runner, plan, rate, requests,
                        Math.min(until, start + duration + config.requestTimeout().toNanos()), keep));
        List<Mode> late = eachMode(config, h, phase, Map.of(), (r, outcomes) -> {
            out.add(r);
            h.progress().accept(describe(r));
        });
        late.forEach(mode -> notes.add("open loop " + mode.id() + ": cut by the time bound (65% of " + config.timeBound() + ")"));
        return out;
    }

    /**
     * One phase as every mode runs it in turn: what it records, the requests (the same seeds in
     * every mode), and the loop that sends them by the deadline.
     *
     * @param keepImages    whether requests keep their images
     * @param keepTimelines whether a mode's first request keeps its route timeline while the mode has none yet
     */
    private record Phase(Scenario scenario, double level, int requests, SampleRequest template, boolean keepImages,
                         boolean keepTimelines, long deadline, Loop loop) {}

    /** Sends one mode's requests of a phase: a closed or an open loop, from the mode's start until its deadline. */
    @FunctionalInterface
    private interface Loop {
        List<RequestOutcome> send(RequestPlan plan, long start, long deadline, IntFunction<RequestRunner.Keep> keep)
                throws InterruptedException;
    }

    /**
     * Runs a phase for each mode in turn, handing each mode's result and outcomes to {@code done}
     * as soon as it ends; returns the modes the deadline left no time for.
     */
    private static List<Mode> eachMode(LoadTestConfig config, Harness h, Phase phase,
                                       Map<Mode, List<RequestOutcome.StepRecord>> timelines,
                                       BiConsumer<LevelResult, List<RequestOutcome>> done) throws InterruptedException {
        List<Mode> cut = new ArrayList<>();
        for (Mode mode : config.modes()) {
            long start = h.ticker().nanoTime();
            if (start >= phase.deadline()) {
                cut.add(mode);
                continue;
            }
            boolean needTimeline = phase.keepTimelines() && !timelines.containsKey(mode);
            RequestPlan plan = new RequestPlan(phase.template().withMode(mode), config.seed());
            var before = h.target().engineSnapshot();
            List<RequestOutcome> outcomes = phase.loop().send(plan, start, phase.deadline(),
                    i -> new RequestRunner.Keep(phase.keepImages(), needTimeline && i == 0));
            LevelResult r = LevelResult.of(phase.scenario(), mode, phase.level(), phase.requests(), outcomes,
                    EngineCalls.delta(before, h.target().engineSnapshot()));
            if (needTimeline && !outcomes.isEmpty() && outcomes.get(0).ok()) {
                timelines.put(mode, outcomes.get(0).timeline());
            }
            done.accept(r, outcomes);
        }
        return cut;
    }

    /** The configured rate, or for auto a share of global's (else the first mode's) peak closed-loop request rate. */
    static double openLoopRate(LoadTestConfig config, List<LevelResult> closed, List<String> notes) {
        if (config.openLoopRate() == 0) {
            notes.add("open loop turned off (--rate off)");
            return 0;
        }
        if (!Double.isNaN(config.openLoopRate())) {
            return config.openLoopRate();
        }
        Mode reference = config.modes().contains(Mode.GLOBAL) ? Mode.GLOBAL : config.modes().get(0);
        OptionalDouble peak = closed.stream().filter(r -> r.mode() == reference && r.completed() > 0)
                .mapToDouble(LevelResult::requestsPerSecond).max();
        if (peak.isEmpty() || !(peak.getAsDouble() > 0)) {
            notes.add("open loop skipped: the automatic rate needs a closed-loop result of mode " + reference.id());
            return 0;
        }
        double rate = AUTO_RATE_FRACTION * peak.getAsDouble();
        notes.add(String.format(Locale.ROOT, "open-loop rate %.3g requests/s: %.0f%% of %s's peak closed-loop rate (%.3g requests/s)",
                rate, AUTO_RATE_FRACTION * 100, reference.id(), peak.getAsDouble()));
        return rate;
    }

    private static Map<Mode, ImageBatch> generateQualityImages(LoadTestConfig config, Harness h, RequestRunner runner,
                                                               SampleRequest template, long deadline,
                                                               List<LevelResult> runs,
                                                               Map<Mode, List<RequestOutcome.StepRecord>> timelines,
                                                               List<String> notes) throws InterruptedException {
        Map<Mode, ImageBatch> out = new LinkedHashMap<>();
        int perRequest = config.qualityBatch();
        int requests = (config.qualityImages() + perRequest - 1) / perRequest;
        Phase phase = new Phase(Scenario.QUALITY, config.maxLevel(), requests, template.withCount(perRequest), true, true,
                deadline, (plan, start, until, keep) -> ClosedLoop.run(runner, plan, config.maxLevel(), requests, until, keep));
        List<Mode> late = eachMode(config, h, phase, timelines, (r, outcomes) -> {
            runs.add(r);
            List<ImageBatch> parts = outcomes.stream().filter(RequestOutcome::ok).map(o -> o.pixels().orElseThrow()).toList();
            int got = parts.stream().mapToInt(ImageBatch::count).sum();
            if (got < config.qualityImages()) {
                notes.add("quality " + r.mode().id() + ": " + got + " of " + config.qualityImages()
                        + " images (failed requests or the time bound)");
            }
            if (got >= 2) {
                ImageBatch all = ImageBatch.concat(parts);
                out.put(r.mode(), all.slice(0, Math.min(all.count(), config.qualityImages())));
            }
        });
        late.forEach(mode -> notes.add("quality " + mode.id() + ": no images, cut by the time bound (90% of "
                + config.timeBound() + ")"));
        return out;
    }

    /** The generated images nearest to a training image, then those training images, in the same order. */
    private static ImageBatch closestPairs(ImageBatch generated, QualityResult q, ImageBatch neighbours) {
        int[] order = q.search().closestFirst();
        int n = Math.min(CLOSEST_PAIRS, order.length);
        int[] mine = java.util.Arrays.copyOf(order, n);
        int[] theirs = new int[n];
        for (int i = 0; i < n; i++) {
            theirs[i] = q.search().nearest()[order[i]];
        }
        return ImageBatch.concat(List.of(generated.select(mine), neighbours.select(theirs)));
    }

    private static LoadTestReport.QualitySetup setup(QualityEvaluator q) {
        QualityData d = q.data();
        return new LoadTestReport.QualitySetup(d.extractor().name(), d.referenceSource(), d.reference().count(),
                d.trainSource(), d.neighbours().count(), q.nearCopyThreshold());
    }

    private static String describe(LevelResult r) {
        String level = r.scenario() == Scenario.OPEN ? String.format(Locale.ROOT, "%.3g requests/s", r.level())
                : Math.round(r.level()) + " clients";
        return String.format(Locale.ROOT, "%s %s at %s: %d/%d ok, %.3g images/s, p50 %.1f ms, p99 %.1f ms%s",
                r.scenario().id(), r.mode().id(), level, r.completed(), r.sent(), r.imagesPerSecond(), r.latency().p50Ms(),
                r.latency().p99Ms(), r.errors().isEmpty() ? "" : ", errors " + r.errors());
    }

    private static ModelZoo openZoo(LoadTestConfig config, List<String> notes) {
        try {
            return ModelZoo.open(config.zoo());
        } catch (RuntimeException e) {
            if (config.url().isEmpty()) {
                throw new IllegalArgumentException("the in-process engine needs the model zoo: " + e.getMessage(), e);
            }
            notes.add("no model zoo (" + e.getMessage() + "): no quality metrics and no baseline");
            return null;
        }
    }

    private static Optional<QualityEvaluator> qualityEvaluator(LoadTestConfig config, ModelZoo zoo, List<String> notes)
            throws IOException {
        if (zoo == null || config.qualityImages() == 0) {
            return Optional.empty();
        }
        try {
            QualityData data = QualityData.fashionMnist(new ClassifierFeatures(zoo.classifier()), zoo.folder());
            notes.addAll(data.notes());
            return Optional.of(new QualityEvaluator(data, config.nearCopyThreshold()));
        } catch (RuntimeException e) {
            notes.add("no quality metrics: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The PyTorch baseline of the zoo's global model (the router plan's), or the reason it cannot run. */
    private static Baseline baseline(LoadTestConfig config, ModelZoo zoo, Target target) {
        String why = null;
        ModelManifest global = null;
        if (zoo == null) {
            why = "no model zoo";
        } else if (!config.solver().equals("euler") || !config.schedule().equals("karras")) {
            why = "the baseline implements Euler on the Karras schedule only (run uses " + config.solver() + ", "
                    + config.schedule() + ")";
        } else {
            try {
                String name = target.models().map(m -> m.plan().globalModel())
                        .orElseGet(() -> RouterPlan.read(zoo.folder().resolve(RouterPlan.FILE_NAME)).globalModel());
                global = zoo.manifest(name);
                if (global.parameterisation().orElse(null) != Parameterisation.V
                        || !(global.noise().orElse(null) instanceof NoiseConvention.VpCosine)) {
                    why = "global model '" + name + "' is not a VP-cosine v-prediction model, the only kind the baseline wraps";
                    global = null;
                }
            } catch (RuntimeException e) {
                why = "no global model: " + e.getMessage();
            }
        }
        if (global == null) {
            String reason = why;
            return (folder, left) -> BaselineResult.skipped(reason);
        }
        ModelManifest g = global;
        Path nets = zoo.folder().toAbsolutePath().resolve("../../training").normalize();
        return (folder, left) -> TorchBaseline.run(new TorchBaseline.Settings(config.python(), g.onnxFile(), nets,
                config.steps(), config.baselineBatch(), config.baselineImages(), config.baselineThreads(),
                target.models().map(ModelSet::sigmaMin).orElse(g.sigmaMin()),
                target.models().map(ModelSet::sigmaMax).orElse(g.sigmaMax()), left), folder);
    }
}
