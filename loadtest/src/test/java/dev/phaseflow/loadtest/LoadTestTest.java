package dev.phaseflow.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.loadtest.baseline.BaselineResult;
import dev.phaseflow.loadtest.http.FakeSseServer;
import dev.phaseflow.loadtest.report.ReportWriter;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.reports.PngCheck;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny sweep end to end on analytic models: the report's structure and the consistency of its numbers. */
class LoadTestTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int STEPS = 6;
    static final int COUNT = 2;
    static final int REQUESTS = 4;

    static LoadTestConfig.Builder small(Path out) {
        return LoadTestConfig.builder().modes(List.of(Mode.HYBRID, Mode.GLOBAL)).levels(List.of(1, 3))
                .requestsPerLevel(REQUESTS).imagesPerRequest(COUNT).steps(STEPS).openLoopRate(40)
                .openLoopDuration(Duration.ofMillis(100)).qualityImages(20).qualityBatch(5).output(out)
                .timeBound(Duration.ofMinutes(2))
                .engine(EngineConfig.defaults().withWorkers(1).withInferenceThreads(2).withMaxBatch(8));
    }

    /** Evaluations per request by route, from the schedule and the plan (Euler: one per step). */
    static Map<Route, Long> expectedEvaluations(ModelSet models, Mode mode) {
        double[] sigmas = models.sigmas(SampleRequest.defaults().withSteps(STEPS));
        Map<Route, Long> out = new EnumMap<>(Map.of(Route.LOCAL, 0L, Route.GLOBAL, 0L));
        for (int i = 0; i < STEPS; i++) {
            out.merge(models.route(models.modelFor(mode, sigmas[i])), 1L, Long::sum);
        }
        return out;
    }

    @Test
    void inProcessSweepWritesAConsistentReport(@TempDir Path dir) throws Exception {
        LoadTestConfig config = small(dir).build();
        ModelSet models = Analytic.models();
        LoadTestReport report;
        try (Target target = Target.engine(models, config.engine())) {
            report = LoadTest.run(config, new LoadTest.Harness(target, Optional.of(Analytic.quality()),
                    (folder, left) -> BaselineResult.skipped("not in unit tests"), Ticker.SYSTEM, line -> { }), List.of());
        }
        Map<Route, Long> hybrid = expectedEvaluations(models, Mode.HYBRID);
        assertTrue(hybrid.get(Route.LOCAL) > 0 && hybrid.get(Route.GLOBAL) > 0, "the schedule crosses the window: " + hybrid);

        for (String f : List.of("report.md", "report.json", "throughput.png", "latency.png", "quality-speed.png",
                "route-timeline.png", "samples-hybrid.png", "samples-global.png", "nearest-hybrid.png", "nearest-global.png")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " written");
            if (f.endsWith(".png")) {
                assertNotNull(ImageIO.read(dir.resolve(f).toFile()), f + " decodes");
            }
        }
        // the figures: panels of 560 x 380 under a title, each one drawn, each mode's line in its colour
        int[] strip = new int[1];
        BufferedImage throughput = PngCheck.read(dir.resolve("throughput.png"), 2, 1, 560, 380, strip);
        PngCheck.inkInEveryPanel(throughput, 2, 2, 560, 380, strip[0], 3000);
        for (Color mode : List.of(new Color(0x1f77b4), new Color(0xff7f0e))) { // hybrid, global
            assertTrue(PngCheck.count(throughput, mode, 0, strip[0], 560, 380) > 30, "images/s line in " + mode);
        }
        BufferedImage latency = PngCheck.read(dir.resolve("latency.png"), 2, 2, 560, 380, strip);
        PngCheck.inkInEveryPanel(latency, 4, 2, 560, 380, strip[0], 3000);
        JsonNode json = JSON.readTree(dir.resolve(ReportWriter.JSON_FILE).toFile());

        JsonNode closed = json.get("closed");
        assertEquals(4, closed.size(), "2 modes x 2 levels");
        for (JsonNode level : closed) {
            Mode mode = Mode.parse(level.get("mode").asText());
            String where = mode.id() + " at " + level.get("level").asInt();
            assertEquals(REQUESTS, level.get("completed").asInt(), where);
            assertEquals(REQUESTS * COUNT, level.get("images").asLong(), where + ": images = requests x count");
            assertEquals(REQUESTS * STEPS, level.get("steps").asLong(), where + ": one Step event per step");
            Map<Route, Long> expected = expectedEvaluations(models, mode);
            assertEquals(REQUESTS * expected.get(Route.LOCAL), level.at("/evaluations_by_route/local").asLong(), where);
            assertEquals(REQUESTS * expected.get(Route.GLOBAL), level.at("/evaluations_by_route/global").asLong(), where);
            // the engine's batched executions served exactly the requests' evaluations, image by image
            level.get("evaluations_by_model").fields().forEachRemaining(e -> assertEquals(
                    e.getValue().asLong() * COUNT, level.at("/engine_calls/" + e.getKey() + "/images").asLong(),
                    where + ": engine images of " + e.getKey()));
            assertEquals(expected.get(Route.GLOBAL) > 0, level.at("/engine_calls/exact").isObject(), where);
            assertTrue(level.get("images_per_second").asDouble() > 0, where);
        }
        for (String section : List.of("closed", "open", "quality_runs")) {
            for (JsonNode level : json.get(section)) {
                assertOrderedPercentiles(level.get("latency_ms"), section);
                assertOrderedPercentiles(level.get("first_event_ms"), section);
                assertEquals(level.get("completed").asInt(), level.at("/latency_ms/count").asInt());
            }
        }

        JsonNode open = json.get("open");
        assertEquals(2, open.size());
        for (JsonNode level : open) {
            assertEquals(4, level.get("planned").asInt(), "40 requests/s for 100 ms");
            assertEquals(4, level.get("sent").asInt());
            assertEquals(4, level.get("completed").asInt(), "each request may take up to the request timeout");
        }

        JsonNode runs = json.get("quality_runs");
        assertEquals(2, runs.size());
        for (JsonNode run : runs) {
            assertEquals(20, run.get("images").asInt(), "4 requests of 5 images");
            assertEquals(3, run.get("level").asInt(), "at the highest level");
        }
        for (Mode m : List.of(Mode.HYBRID, Mode.GLOBAL)) {
            JsonNode q = json.at("/quality/modes/" + m.id());
            assertEquals(20, q.get("images").asInt());
            assertTrue(q.get("fd").asDouble() >= 0);
            assertEquals(q.get("fd").asDouble(), q.get("fd_mean_term").asDouble() + q.get("fd_covariance_term").asDouble(),
                    1e-9);
            assertEquals(20, sum(q.at("/classes/counts")));
            assertEquals(q.get("fd").asDouble(), json.at("/headline/" + m.id() + "/fd").asDouble());
        }
        assertEquals(1.0, json.at("/headline/global/fd_ratio_to_global").asDouble(), 1e-12);
        assertEquals(1.0, json.at("/headline/global/peak_speed_up_over_global").asDouble(), 1e-12);
        assertEquals(report.fdRatio(Mode.HYBRID), json.at("/headline/hybrid/fd_ratio_to_global").asDouble(), 1e-12);
        assertEquals(json.at("/quality/modes/hybrid/fd").asDouble() / json.at("/quality/modes/global/fd").asDouble(),
                report.fdRatio(Mode.HYBRID), 1e-12);
        double hybridAt3 = json.at("/headline/hybrid/images_per_second/3").asDouble();
        double globalAt3 = json.at("/headline/global/images_per_second/3").asDouble();
        assertEquals(hybridAt3 / globalAt3, json.at("/headline/hybrid/speed_up_over_global/3").asDouble(), 1e-9);
        assertTrue(json.at("/quality/real_data").isObject(), "a real-data reference row");
        assertEquals("not in unit tests", json.at("/baseline/reason").asText());

        JsonNode timeline = json.at("/timelines/hybrid");
        assertEquals(STEPS, timeline.size());
        for (JsonNode step : timeline) {
            String model = models.modelFor(Mode.HYBRID, step.get("sigma").asDouble());
            assertEquals(model, step.get("model").asText(), "step " + step.get("index"));
            assertEquals(models.route(model).id(), step.get("route").asText());
        }
        assertEquals(Analytic.WINDOW_LO, json.at("/window/0").asDouble());

        List<String> md = Files.readAllLines(dir.resolve(ReportWriter.MARKDOWN));
        int headline = md.indexOf("## Headline");
        assertTrue(headline >= 0);
        List<String> header = cells(md.get(headline + 2));
        assertEquals(List.of("mode", "images/s @1", "images/s @3", "p50 ms @3", "p99 ms @3", "FD", "FD / global", "class TV",
                "nearest-train L2", "near-copies", "speed-up vs global (peak)"), header);
        for (int row = 0; row < 2; row++) {
            List<String> cells = cells(md.get(headline + 4 + row));
            assertEquals(header.size(), cells.size());
            assertEquals(row == 0 ? "hybrid" : "global", cells.get(0));
        }
        assertEquals("x1.00", cells(md.get(headline + 5)).get(6), "global's FD over itself");
        assertTrue(md.stream().anyMatch(l -> l.startsWith("**Hybrid over global:**")));
        assertTrue(md.contains("## Closed loop") && md.contains("## Open loop") && md.contains("## Quality"));
        assertTrue(md.stream().anyMatch(l -> l.startsWith("| real data | 20 |")), "the real-data row");
    }

    @Test
    void aServerTargetIsMeasuredThroughItsEventStream(@TempDir Path dir) throws Exception {
        ModelSet models = Analytic.models();
        LoadTestConfig config = small(dir).modes(List.of(Mode.SWAPPED, Mode.LOCAL)).levels(List.of(2)).requestsPerLevel(3)
                .imagesPerRequest(1).openLoopRate(0).qualityImages(10).baseline(false).build();
        try (var direct = new DirectSamplingService(models, 8, SampleRequest.Limits.defaults(), 2);
             var server = FakeSseServer.serving(direct);
             Target target = Target.remote(server.url(), Duration.ofMinutes(1))) {
            LoadTestReport report = LoadTest.run(config, new LoadTest.Harness(target, Optional.of(Analytic.quality()),
                    (folder, left) -> { throw new AssertionError("the baseline is off"); }, Ticker.SYSTEM, line -> { }),
                    List.of());
            assertTrue(report.target().startsWith("phaseflow server http://127.0.0.1:"), report.target());
            assertEquals(2, report.closed().size());
            for (LevelResult r : report.closed()) {
                assertEquals(3, r.completed());
                assertEquals(3, r.images());
                assertTrue(r.engineCalls().isEmpty(), "a server shows no engine internals");
                Map<Route, Long> expected = expectedEvaluations(models, r.mode());
                assertEquals(3 * expected.get(Route.LOCAL), r.evaluationsByRoute().get(Route.LOCAL));
                assertEquals(3 * expected.get(Route.GLOBAL), r.evaluationsByRoute().get(Route.GLOBAL));
            }
            assertEquals(10, report.quality().get(Mode.SWAPPED).images());
            assertTrue(report.open().isEmpty());
            assertTrue(report.notes().contains("open loop turned off (--rate off)"));
            assertEquals("skipped", report.baseline().status());
            assertFalse(report.window().isPresent(), "the plan is the server's");
            assertTrue(Double.isNaN(report.peakSpeedUp(Mode.LOCAL)), "no global mode to compare with");
        }
    }

    @Test
    void phasesTheTimeBoundLeavesNoTimeForAreNamedInTheNotes(@TempDir Path dir) throws Exception {
        LoadTestConfig config = small(dir).build();
        ManualTicker ticker = new ManualTicker(0);
        try (Target target = Target.engine(Analytic.models(), config.engine())) {
            // the first closed-loop run ends past every phase's deadline
            Consumer<String> progress = line -> {
                if (line.startsWith("closed ")) {
                    ticker.advance(config.timeBound().toNanos());
                }
            };
            LoadTestReport report = LoadTest.run(config, new LoadTest.Harness(target, Optional.of(Analytic.quality()),
                    (folder, left) -> { throw new AssertionError("no time is left for the baseline"); }, ticker, progress),
                    List.of());
            assertEquals(1, report.closed().size());
            assertEquals(REQUESTS, report.closed().get(0).completed());
            assertTrue(report.open().isEmpty());
            assertTrue(report.qualityRuns().isEmpty());
            List<String> cut = List.of(
                    "closed loop: the time bound (45% of PT2M) left no time for global at 1, hybrid at 3, global at 3",
                    "open loop hybrid: cut by the time bound (65% of PT2M)",
                    "open loop global: cut by the time bound (65% of PT2M)",
                    "quality hybrid: no images, cut by the time bound (90% of PT2M)",
                    "quality global: no images, cut by the time bound (90% of PT2M)",
                    "PyTorch baseline skipped: less than 30 s of the time bound was left");
            List<String> named = report.notes().stream().filter(cut::contains).toList();
            assertEquals(cut, named, "every cut is named once, in the order of the run: " + report.notes());
        }
    }

    static void assertOrderedPercentiles(JsonNode l, String where) {
        if (l.get("count").asInt() == 0) {
            return;
        }
        double p50 = l.get("p50").asDouble();
        double p90 = l.get("p90").asDouble();
        double p99 = l.get("p99").asDouble();
        double max = l.get("max").asDouble();
        assertTrue(0 <= p50 && p50 <= p90 && p90 <= p99 && p99 <= max, where + ": " + l);
    }

    static int sum(JsonNode array) {
        int s = 0;
        for (JsonNode n : array) {
            s += n.asInt();
        }
        return s;
    }

    static List<String> cells(String row) {
        String inner = row.strip();
        return List.of(inner.substring(1, inner.length() - 1).split("\\|")).stream().map(String::strip).toList();
    }
}
