package dev.phaseflow.loadtest.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.api.CalibrationSummary;
import dev.phaseflow.loadtest.quality.ClassifierFeatures;
import dev.phaseflow.loadtest.quality.FeatureExtractor;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.data.Datasets;
import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.routing.RouterPlan;
import dev.phaseflow.pipeline.sampling.Solvers;
import dev.phaseflow.pipeline.schedule.Schedules;
import dev.phaseflow.reports.CalibrationFigure;
import dev.phaseflow.reports.Figure;
import dev.phaseflow.reports.Panel;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.phaseflow.pipeline.calibration.ModelCosts;
import dev.phaseflow.pipeline.routing.RouterPlan.Interval;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plan search on a calibrated zoo: scores plans by FD of the zoo classifier's features against
 * the held-out images, then writes the chosen plan into router.json, the search into
 * calibration.json (key {@code plan_search}) and the front as a panel of calibration.png.
 */
public final class ZooPlanSearch {
    public static final String JSON_KEY = "plan_search";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ZooPlanSearch() {}

    /**
     * @param solver  the solver plans are scored with
     * @param steps   steps of the Karras schedule plans are scored on
     */
    public static PlanSearchResult search(ModelZoo zoo, CalibrationReport report, PlanSearch.Settings settings, String solver,
                                          int steps, PlanSearch.Listener listener) throws IOException {
        Map<String, Denoiser> models = new LinkedHashMap<>();
        for (ModelManifest m : zoo.manifests()) {
            if (m.isDenoiser()) {
                models.put(m.name(), zoo.denoiser(m.name()));
            }
        }
        ModelManifest global = zoo.manifest(report.globalModel());
        FeatureExtractor features = new ClassifierFeatures(zoo.classifier());
        QualityScorer quality = new QualityScorer(features,
                features.extract(Datasets.fashionMnistTest(zoo.folder()).images()).stats());
        double[] sigmas = Schedules.of(Schedules.Kind.KARRAS, steps, global.sigmaMin(), global.sigmaMax());
        PlanSearch.Problem problem = new PlanSearch.Problem(models, report.globalModel(), Solvers.of(solver, 0), sigmas,
                global.image().channels(), global.image().height(), global.image().width());
        return new PlanSearch(problem, new ErrorTable(report.grid(), report.errors().mse()), report.costs(), quality,
                settings).run(listener);
    }

    /**
     * Writes the search beside the calibration: router.json takes the chosen plan (the per-sigma
     * rule's plan stays when none is within budget), calibration.json and router.json's summary
     * get the search, calibration.png its front.
     */
    public static void write(Path folder, CalibrationReport report, PlanSearchResult result,
                             java.util.function.Predicate<String> isGlobal,
                             java.util.function.Consumer<Figure> otherPanels) throws IOException {
        ObjectNode search = result.toJson();
        Path calibration = folder.resolve(CalibrationReport.JSON_FILE);
        ObjectNode all = (ObjectNode) JSON.readTree(Files.readString(calibration));
        all.set(JSON_KEY, search);
        Files.writeString(calibration, JSON.writeValueAsString(all) + "\n");

        RouterPlan rule = report.routerPlan();
        CalibrationSummary summary = rule.calibration().withPlanSearch(
                result.chosen().isPresent() ? "plan-search" : "per-sigma-rule", compact(search));
        List<Interval> hybrid = result.chosen().map(c -> c.plan().intervals()).orElse(rule.hybrid());
        double[] window = window(hybrid, isGlobal, report.costs(), rule.windowLo(), rule.windowHi());
        RouterPlan plan = new RouterPlan(rule.globalModel(), rule.localModel(), window[0], window[1], hybrid, summary);
        plan.write(folder.resolve(RouterPlan.FILE_NAME));

        Figure figure = CalibrationFigure.of(report);
        otherPanels.accept(figure); // panels of other measurements made in the same run (--locality)
        frontPanel(figure.panel("Plan search: speed-up against FD ratio (" + result.solver() + " " + result.steps()
                + " steps, " + result.settings().images() + " images per plan)"), result);
        figure.writePng(folder.resolve(CalibrationReport.PNG_FILE));
    }

    /**
     * Chooses again from a finished search's front, without searching: the front's plans within
     * {@code maxFdRatio} on the search seeds are sampled again on the spread seed set (with
     * global-only there), fastest first, and the first within budget there too goes into
     * router.json; calibration.json and router.json's summary get the new budget, check and spread.
     * calibration.png is left as the search drew it (its front is the same; its "chosen" marker is
     * the search's).
     *
     * @return the console lines: the plans checked and the choice
     */
    public static String recheck(ModelZoo zoo, Path folder, double maxFdRatio, int checkLimit,
                                 java.util.function.Predicate<String> isGlobal) throws IOException {
        Path calibrationFile = folder.resolve(CalibrationReport.JSON_FILE);
        if (!Files.exists(calibrationFile)) {
            throw new IllegalArgumentException(calibrationFile + ": not found; '--recheck' chooses from a finished search "
                    + "(run 'phaseflow calibrate' first)");
        }
        ObjectNode all = (ObjectNode) JSON.readTree(Files.readString(calibrationFile));
        JsonNode stored = all.get(JSON_KEY);
        if (stored == null || !stored.path("front").isArray() || stored.path("front").isEmpty()) {
            throw new IllegalArgumentException(calibrationFile + ": has no plan search front (field '" + JSON_KEY
                    + ".front'); run 'phaseflow calibrate' without '--no-search' first");
        }
        ObjectNode search = ((ObjectNode) stored).deepCopy();
        String reference = search.path("reference").path("model").asText();
        ModelManifest global = zoo.manifest(reference);
        int steps = search.path("steps").asInt();
        int images = search.path("images").asInt();
        long otherSeed = search.path("spread").path("other_seed").asLong();
        double[] sigmas = Schedules.of(Schedules.Kind.KARRAS, steps, global.sigmaMin(), global.sigmaMax());
        Map<String, Denoiser> models = new LinkedHashMap<>();
        List<PlanScore> front = new java.util.ArrayList<>();
        for (JsonNode f : search.path("front")) {
            ObjectNode asPlan = JSON.createObjectNode();
            asPlan.put("global_model", reference).put("local_model", reference);
            asPlan.putObject("window").put("sigma_lo", 1).put("sigma_hi", 2);
            asPlan.set("hybrid", f.path("intervals"));
            List<Interval> intervals = RouterPlan.parse(asPlan, calibrationFile + " (" + JSON_KEY + ".front)").hybrid();
            Map<String, Integer> evaluations = new LinkedHashMap<>();
            f.path("evaluations").fields().forEachRemaining(e -> evaluations.put(e.getKey(), e.getValue().asInt()));
            for (Interval i : intervals) {
                models.computeIfAbsent(i.model(), zoo::denoiser);
            }
            front.add(new PlanScore(StepPlan.of(sigmas, intervals), f.path("fd").asDouble(), f.path("fd_ratio").asDouble(),
                    f.path("seconds_per_image").asDouble(), f.path("speed_up").asDouble(), evaluations));
        }
        models.computeIfAbsent(reference, zoo::denoiser);
        PlanSampler other = new PlanSampler(models, Solvers.of(search.path("solver").asText(), 0), sigmas, otherSeed, images,
                global.image().channels(), global.image().height(), global.image().width(), 64, 2L << 30);
        FeatureExtractor features = new ClassifierFeatures(zoo.classifier());
        QualityScorer quality = new QualityScorer(features,
                features.extract(Datasets.fashionMnistTest(zoo.folder()).images()).stats());
        // global-only on the other seeds is sampled once per search: a stored value is the same zoo, seeds and images
        JsonNode storedReference = search.path("check").path("reference_fd_other_seeds");
        double referenceFdOther = storedReference.isNumber() && search.path("check").path("other_seed").asLong() == otherSeed
                ? storedReference.asDouble() : quality.fd(other.sample(StepPlan.uniform(sigmas, reference)));
        FrontCheck check = FrontCheck.run(front, other, referenceFdOther, quality, maxFdRatio, checkLimit);
        PlanSearchResult.Spread spread = check.spread(front, other, quality, search.path("seed").asLong(),
                search.path("reference").path("fd").asDouble());

        search.put("max_fd_ratio", maxFdRatio);
        search.put("rechecked", "chosen again from the stored front by 'phaseflow calibrate --recheck'");
        search.set("spread", PlanSearchResult.spreadJson(spread));
        search.set("check", PlanSearchResult.checkJson(check));
        search.remove("message");
        search.remove("chosen");
        StringBuilder lines = new StringBuilder();
        for (FrontCheck.Check c : check.checks()) {
            lines.append(String.format(Locale.ROOT, "  checked on seeds %d: %7.2fx  FD ratio %.3f there (%.3f on seeds %d): "
                    + "%s  %s%n", otherSeed, c.score().speedUp(), c.ratioOther(), c.score().fdRatio(),
                    search.path("seed").asLong(), c.within() ? "within budget" : "over budget", c.score().plan().describe()));
        }
        if (check.chosen().isPresent()) {
            search.set("chosen", PlanSearchResult.score(check.chosen().get()));
        } else {
            search.put("message", String.format(Locale.ROOT, "no plan of the front reaches an FD ratio of %.3f or less "
                    + "(option '--max-fd-ratio') on both seed sets", maxFdRatio));
        }
        all.set(JSON_KEY, search);
        Files.writeString(calibrationFile, JSON.writeValueAsString(all) + "\n");

        Path routerFile = folder.resolve(RouterPlan.FILE_NAME);
        RouterPlan current = RouterPlan.read(routerFile);
        if (current.calibration() == null) {
            throw new IllegalArgumentException(routerFile + ": has no field 'calibration' (run 'phaseflow calibrate' first)");
        }
        CalibrationSummary summary = current.calibration().withPlanSearch(
                check.chosen().isEmpty() ? "per-sigma-rule" : current.calibration().planSource(), compact(search));
        Map<String, Double> costs = current.measuredCosts();
        List<Interval> hybrid = check.chosen().map(c -> c.plan().intervals()).orElse(current.hybrid());
        double[] window = costs.isEmpty() ? new double[] {current.windowLo(), current.windowHi()}
                : window(hybrid, isGlobal, ModelCosts.given(costs), current.windowLo(), current.windowHi());
        new RouterPlan(current.globalModel(), current.localModel(), window[0], window[1], hybrid, summary).write(routerFile);
        lines.append(check.chosen().map(c -> String.format(Locale.ROOT, "  chosen (budget FD ratio <= %.3f on both seed "
                + "sets): %s, %.2fx, FD ratio %.3f and %.3f%n", maxFdRatio, c.plan().describe(), c.speedUp(), c.fdRatio(),
                check.of(c).orElseThrow().ratioOther())).orElse("  " + search.path("message").asText()
                + " (router.json keeps its plan)\n"));
        return lines.toString();
    }

    /**
     * The transition window of a cascade plan: the hull of the intervals served by whole-image networks,
     * leaving out the analytic tier (under 3% of the dearest model's cost), which serves the trivial phase.
     * Swapped mode and the live drift diagnostics read it; the fallback is the per-sigma rule's window.
     */
    static double[] window(List<Interval> hybrid, java.util.function.Predicate<String> isGlobal, ModelCosts costs,
                           double fallbackLo, double fallbackHi) {
        double max = costs.secondsPerImage().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Interval i : hybrid) {
            if (isGlobal.test(i.model()) && costs.of(i.model()) >= 0.03 * max && Double.isFinite(i.hi()) && i.lo() > 0) {
                lo = Math.min(lo, i.lo());
                hi = Math.max(hi, i.hi());
            }
        }
        return hi > lo ? new double[] {lo, hi} : new double[] {fallbackLo, fallbackHi};
    }

    /** router.json keeps the budget, the chosen plan and the front; the scored list stays in calibration.json. */
    private static JsonNode compact(ObjectNode search) {
        ObjectNode c = search.deepCopy();
        c.remove("criterion");
        return c;
    }

    static void frontPanel(Panel p, PlanSearchResult r) {
        p.xLabel("speed-up over global-only (measured model costs)").yLabel("FD / FD of global-only");
        double[] x = r.scored().stream().mapToDouble(PlanScore::speedUp).toArray();
        double[] y = r.scored().stream().mapToDouble(PlanScore::fdRatio).toArray();
        p.points("plans scored", x, y, new Color(0xbbbbbb));
        p.line("Pareto front", r.front().stream().mapToDouble(PlanScore::speedUp).toArray(),
                r.front().stream().mapToDouble(PlanScore::fdRatio).toArray());
        p.level(r.settings().maxFdRatio(), String.format(Locale.ROOT, "budget %.3f", r.settings().maxFdRatio()));
        r.chosen().ifPresent(c -> p.marker(c.speedUp(), String.format(Locale.ROOT, "chosen %.2fx", c.speedUp())));
    }
}
