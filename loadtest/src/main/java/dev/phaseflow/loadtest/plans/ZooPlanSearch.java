package dev.phaseflow.loadtest.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.loadtest.quality.ClassifierFeatures;
import dev.phaseflow.loadtest.quality.FeatureExtractor;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.data.Datasets;
import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.report.Figure;
import dev.phaseflow.pipeline.report.Panel;
import dev.phaseflow.pipeline.routing.RouterPlan;
import dev.phaseflow.pipeline.sampling.Solvers;
import dev.phaseflow.pipeline.schedule.Schedules;
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
        ObjectNode summary = ((ObjectNode) rule.calibration()).deepCopy();
        summary.put("plan_source", result.chosen().isPresent() ? "plan-search" : "per-sigma-rule");
        summary.set(JSON_KEY, compact(search));
        List<Interval> hybrid = result.chosen().map(c -> c.plan().intervals()).orElse(rule.hybrid());
        double[] window = window(hybrid, isGlobal, report.costs(), rule.windowLo(), rule.windowHi());
        RouterPlan plan = new RouterPlan(rule.globalModel(), rule.localModel(), window[0], window[1], hybrid, summary);
        plan.write(folder.resolve(RouterPlan.FILE_NAME));

        Figure figure = report.figure();
        otherPanels.accept(figure); // panels of other measurements made in the same run (--locality)
        frontPanel(figure.panel("Plan search: speed-up against FD ratio (" + result.solver() + " " + result.steps()
                + " steps, " + result.settings().images() + " images per plan)"), result);
        figure.writePng(folder.resolve(CalibrationReport.PNG_FILE));
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
