package dev.phaseflow.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.loadtest.EngineCalls;
import dev.phaseflow.loadtest.LatencySummary;
import dev.phaseflow.loadtest.LevelResult;
import dev.phaseflow.loadtest.LoadTestConfig;
import dev.phaseflow.loadtest.LoadTestReport;
import dev.phaseflow.loadtest.RequestOutcome;
import dev.phaseflow.loadtest.quality.ClassHistogram;
import dev.phaseflow.loadtest.quality.NearestSummary;
import dev.phaseflow.loadtest.quality.QualityResult;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.util.List;
import java.util.Map;

/** report.json: every number of the report, snake_case, non-finite numbers as null. */
public final class ReportJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    public static ObjectNode toJson(LoadTestReport r, List<String> files) {
        ObjectNode root = JSON.createObjectNode();
        root.set("config", config(r.config()));
        root.put("target", r.target());
        root.put("started", r.started().toString());
        number(root, "seconds", r.seconds());
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root.set("headline", headline(r));
        ArrayNode closed = root.putArray("closed");
        r.closed().forEach(l -> closed.add(level(l)));
        ArrayNode open = root.putArray("open");
        r.open().forEach(l -> open.add(level(l)));
        ArrayNode runs = root.putArray("quality_runs");
        r.qualityRuns().forEach(l -> runs.add(level(l)));
        ObjectNode quality = root.putObject("quality");
        r.qualitySetup().ifPresent(s -> {
            ObjectNode setup = quality.putObject("setup");
            setup.put("features", s.features());
            setup.put("reference", s.reference());
            setup.put("reference_images", s.referenceImages());
            setup.put("neighbours", s.neighbours());
            setup.put("neighbour_images", s.neighbourImages());
            number(setup, "near_copy_threshold", s.nearCopyThreshold());
        });
        ObjectNode modes = quality.putObject("modes");
        r.quality().forEach((m, q) -> modes.set(m.id(), quality(q)));
        r.realData().ifPresent(q -> quality.set("real_data", quality(q)));
        ObjectNode timelines = root.putObject("timelines");
        r.timelines().forEach((m, steps) -> {
            ArrayNode list = timelines.putArray(m.id());
            for (RequestOutcome.StepRecord s : steps) {
                ObjectNode n = list.addObject();
                n.put("index", s.index());
                number(n, "sigma", s.sigma());
                n.put("route", s.route().id());
                n.put("model", s.model());
            }
        });
        if (r.window().isPresent()) {
            root.putArray("window").add(r.window().get()[0]).add(r.window().get()[1]);
        } else {
            root.putNull("window");
        }
        ObjectNode baseline = root.putObject("baseline");
        baseline.put("status", r.baseline().status());
        baseline.put("reason", r.baseline().reason());
        number(baseline, "images_per_second", r.baseline().imagesPerSecond());
        if (!r.baseline().details().isMissingNode()) {
            baseline.set("details", r.baseline().details());
        }
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        ArrayNode list = root.putArray("files");
        files.forEach(list::add);
        return root;
    }

    private static ObjectNode config(LoadTestConfig c) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode modes = n.putArray("modes");
        c.modes().forEach(m -> modes.add(m.id()));
        ArrayNode levels = n.putArray("levels");
        c.levels().forEach(levels::add);
        n.put("requests_per_level", c.requestsPerLevel());
        n.put("images_per_request", c.imagesPerRequest());
        n.put("steps", c.steps());
        n.put("solver", c.solver());
        n.put("schedule", c.schedule());
        n.put("seed", c.seed());
        if (Double.isNaN(c.openLoopRate())) {
            n.put("open_loop_rate", "auto");
        } else {
            n.put("open_loop_rate", c.openLoopRate());
        }
        n.put("open_loop_duration_seconds", c.openLoopDuration().toMillis() / 1e3);
        n.put("open_loop_max_requests", c.openLoopMaxRequests());
        n.put("quality_images", c.qualityImages());
        n.put("quality_batch", c.qualityBatch());
        n.put("near_copy_threshold", c.nearCopyThreshold());
        n.put("url", c.url().orElse(null));
        n.put("zoo", c.zoo().toString());
        n.put("tile_size", c.tileSize());
        ObjectNode e = n.putObject("engine");
        e.put("workers_per_model", c.engine().workersPerModel());
        e.put("inference_threads", c.engine().inferenceThreads());
        e.put("max_batch", c.engine().maxBatch());
        e.put("max_wait_ms", c.engine().maxWait().toMillis());
        e.put("max_in_flight", c.engine().maxInFlight());
        e.put("max_queued_images", c.engine().maxQueuedImages());
        n.put("baseline", c.baseline());
        n.put("baseline_threads", c.baselineThreads());
        n.put("baseline_images", c.baselineImages());
        n.put("baseline_batch", c.baselineBatch());
        n.put("time_bound_seconds", c.timeBound().toMillis() / 1e3);
        n.put("request_timeout_seconds", c.requestTimeout().toMillis() / 1e3);
        return n;
    }

    /** Per mode: what the headline table of report.md shows. */
    private static ObjectNode headline(LoadTestReport r) {
        ObjectNode out = JSON.createObjectNode();
        int top = r.config().maxLevel();
        for (Mode m : r.config().modes()) {
            ObjectNode n = out.putObject(m.id());
            ObjectNode perLevel = n.putObject("images_per_second");
            ObjectNode speedUps = n.putObject("speed_up_over_global");
            for (int level : r.config().levels()) {
                number(perLevel, Integer.toString(level), r.closed(m, level).map(LevelResult::imagesPerSecond).orElse(Double.NaN));
                number(speedUps, Integer.toString(level), r.speedUp(m, level));
            }
            number(n, "peak_images_per_second", r.peakImagesPerSecond(m).orElse(Double.NaN));
            number(n, "peak_speed_up_over_global", r.peakSpeedUp(m));
            n.put("latency_level", top);
            number(n, "p50_ms", r.closed(m, top).map(l -> l.latency().p50Ms()).orElse(Double.NaN));
            number(n, "p99_ms", r.closed(m, top).map(l -> l.latency().p99Ms()).orElse(Double.NaN));
            QualityResult q = r.quality().get(m);
            number(n, "fd", q == null ? Double.NaN : q.frechet().value());
            number(n, "fd_ratio_to_global", r.fdRatio(m));
            number(n, "class_tv", q == null ? Double.NaN : q.classes().totalVariationToUniform());
            number(n, "nearest_train_mean", q == null ? Double.NaN : q.nearest().mean());
            number(n, "near_copy_fraction", q == null ? Double.NaN : q.nearest().nearCopyFraction());
        }
        return out;
    }

    static ObjectNode level(LevelResult l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("scenario", l.scenario().id());
        n.put("mode", l.mode().id());
        number(n, "level", l.level());
        n.put("planned", l.planned());
        n.put("sent", l.sent());
        n.put("completed", l.completed());
        ObjectNode errors = n.putObject("errors");
        l.errors().forEach(errors::put);
        n.put("images", l.images());
        n.put("steps", l.steps());
        number(n, "wall_seconds", l.wallSeconds());
        number(n, "images_per_second", l.imagesPerSecond());
        number(n, "steps_per_second", l.stepsPerSecond());
        number(n, "requests_per_second", l.requestsPerSecond());
        ObjectNode routes = n.putObject("evaluations_by_route");
        for (Map.Entry<Route, Long> e : l.evaluationsByRoute().entrySet()) {
            routes.put(e.getKey().id(), e.getValue());
        }
        ObjectNode models = n.putObject("evaluations_by_model");
        l.evaluationsByModel().forEach(models::put);
        ObjectNode engine = n.putObject("engine_calls");
        for (Map.Entry<String, EngineCalls> e : l.engineCalls().entrySet()) {
            ObjectNode c = engine.putObject(e.getKey());
            c.put("calls", e.getValue().calls());
            c.put("units", e.getValue().units());
            c.put("images", e.getValue().images());
            number(c, "mean_batch_images", e.getValue().meanBatchImages());
            number(c, "mean_batch_units", e.getValue().meanBatchUnits());
        }
        n.set("latency_ms", latency(l.latency()));
        n.set("service_latency_ms", latency(l.serviceLatency()));
        n.set("first_event_ms", latency(l.firstEvent()));
        number(n, "max_dispatch_lag_ms", l.maxDispatchLagMs());
        return n;
    }

    private static ObjectNode latency(LatencySummary s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", s.count());
        number(n, "mean", s.meanMs());
        number(n, "p50", s.p50Ms());
        number(n, "p90", s.p90Ms());
        number(n, "p99", s.p99Ms());
        number(n, "max", s.maxMs());
        return n;
    }

    private static ObjectNode quality(QualityResult q) {
        ObjectNode n = JSON.createObjectNode();
        n.put("label", q.label());
        n.put("images", q.images());
        number(n, "fd", q.frechet().value());
        number(n, "fd_mean_term", q.frechet().meanTerm());
        number(n, "fd_covariance_term", q.frechet().covarianceTerm());
        ClassHistogram h = q.classes();
        ObjectNode classes = n.putObject("classes");
        ArrayNode counts = classes.putArray("counts");
        for (int c : h.counts()) {
            counts.add(c);
        }
        number(classes, "tv_to_uniform", h.totalVariationToUniform());
        number(classes, "chi_square", h.chiSquareToUniform());
        number(classes, "entropy_bits", h.entropyBits());
        number(classes, "max_entropy_bits", h.maxEntropyBits());
        NearestSummary s = q.nearest();
        ObjectNode nearest = n.putObject("nearest_train");
        number(nearest, "mean", s.mean());
        number(nearest, "median", s.median());
        number(nearest, "min", s.min());
        number(nearest, "near_copy_fraction", s.nearCopyFraction());
        number(nearest, "threshold", s.threshold());
        nearest.put("train_images", s.trainCount());
        nearest.put("source", s.trainSource());
        return n;
    }

    /** A number, or null when it is NaN or infinite (JSON has neither). */
    static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }
}
