package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.loadtest.LoadTestConfig;
import dev.phaseflow.pipeline.InvalidRequestException;
import dev.phaseflow.pipeline.routing.Mode;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadTestOptionsTest {

    @Test
    void defaultsCompareEveryModeAtFourLevels() {
        LoadTestConfig c = LoadTestOptions.parse();
        assertEquals(List.of(Mode.HYBRID, Mode.GLOBAL, Mode.LOCAL, Mode.SWAPPED), c.modes());
        assertEquals(List.of(1, 4, 16, 64), c.levels());
        assertEquals(1000, c.qualityImages());
        assertTrue(Double.isNaN(c.openLoopRate()), "auto rate");
        assertTrue(c.url().isEmpty());
        assertTrue(c.baseline());
        assertEquals(64, c.maxLevel());
    }

    @Test
    void everyOptionReachesTheConfig() {
        LoadTestConfig c = LoadTestOptions.parse("--modes", "global,hybrid", "--levels", "2, 8", "--requests", "10",
                "--count", "3", "--steps", "12", "--solver", "heun", "--schedule", "exponential", "--seed", "99",
                "--rate", "2.5", "--duration", "1.5m", "--open-max", "50", "--quality-images", "40",
                "--quality-batch", "8", "--near-copy", "1.5", "--url", "http://127.0.0.1:8080", "--zoo", "/tmp/zoo",
                "--tile", "14", "--workers", "3", "--inference-threads", "5", "--max-batch", "16", "--max-wait-ms", "7",
                "--out", "/tmp/out", "--baseline", "off", "--baseline-threads", "4", "--baseline-images", "32",
                "--baseline-batch", "16", "--python", "/opt/python3", "--time-bound", "PT10M", "--request-timeout", "90s");
        assertEquals(List.of(Mode.GLOBAL, Mode.HYBRID), c.modes());
        assertEquals(List.of(2, 8), c.levels());
        assertEquals(10, c.requestsPerLevel());
        assertEquals(3, c.imagesPerRequest());
        assertEquals(12, c.steps());
        assertEquals("heun", c.solver());
        assertEquals("exponential", c.schedule());
        assertEquals(99, c.seed());
        assertEquals(2.5, c.openLoopRate());
        assertEquals(Duration.ofSeconds(90), c.openLoopDuration());
        assertEquals(50, c.openLoopMaxRequests());
        assertEquals(40, c.qualityImages());
        assertEquals(8, c.qualityBatch());
        assertEquals(1.5, c.nearCopyThreshold());
        assertEquals("http://127.0.0.1:8080", c.url().orElseThrow());
        assertEquals(Paths.get("/tmp/zoo"), c.zoo());
        assertEquals(14, c.tileSize());
        assertEquals(3, c.engine().workersPerModel());
        assertEquals(5, c.engine().inferenceThreads());
        assertEquals(16, c.engine().maxBatch());
        assertEquals(Duration.ofMillis(7), c.engine().maxWait());
        assertEquals(Paths.get("/tmp/out"), c.output());
        assertFalse(c.baseline());
        assertEquals(4, c.baselineThreads());
        assertEquals(32, c.baselineImages());
        assertEquals(16, c.baselineBatch());
        assertEquals(Paths.get("/opt/python3"), c.python());
        assertEquals(Duration.ofMinutes(10), c.timeBound());
        assertEquals(Duration.ofSeconds(90), c.requestTimeout());
        assertEquals(0, LoadTestOptions.parse("--rate", "off").openLoopRate());
        assertEquals(Duration.ofMillis(500), LoadTestOptions.parse("--duration", "500ms").openLoopDuration());
        assertEquals(Duration.ofHours(2), LoadTestOptions.parse("--time-bound", "2h").timeBound());
    }

    @Test
    void aRepeatedOptionsLastValueWins() {
        LoadTestConfig c = LoadTestOptions.parse("--modes", "hybrid", "--modes", "global,local", "--levels", "1,2",
                "--levels", "8", "--steps", "3", "--steps", "5");
        assertEquals(List.of(Mode.GLOBAL, Mode.LOCAL), c.modes());
        assertEquals(List.of(8), c.levels());
        assertEquals(5, c.steps());
    }

    @Test
    void badOptionsAreNamed() {
        assertEquals("unknown option '--speed' (see --help)", error("--speed", "1"));
        assertEquals("option --steps needs a value", error("--steps"));
        assertEquals("option --requests: 'many' is not an integer", error("--requests", "many"));
        assertEquals("option --modes: unknown mode 'fast' (expected hybrid, global, local or swapped)",
                error("--modes", "hybrid,fast"));
        assertEquals("option --duration: 'soon' is not a duration (e.g. 500ms, 20s, 5m, 1h)", error("--duration", "soon"));
        assertEquals("option --rate: must be auto, off or a positive number, got '-3'", error("--rate", "-3"));
        assertEquals("option --levels: need at least one concurrency level, each >= 1, got [1, 0]", error("--levels", "1,0"));
        assertEquals("option --modes: list a mode once, got [HYBRID, HYBRID]", error("--modes", "hybrid,hybrid"));
        assertEquals("option --baseline: expected on or off, got 'maybe'", error("--baseline", "maybe"));
        assertEquals("unexpected argument 'hybrid' (options start with --; see --help)", error("hybrid"));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> LoadTestOptions.parse("--solver", "rk4"));
        assertEquals("solver", e.field());
        assertTrue(LoadTestOptions.wantsHelp("--steps", "3", "--help"));
    }

    @Test
    void usageListsEveryOptionWithItsDefault() {
        String usage = LoadTestOptions.usage();
        for (String option : ("--modes --levels --requests --count --steps --solver --schedule --seed --rate --duration "
                + "--open-max --quality-images --quality-batch --near-copy --url --zoo --tile --workers --inference-threads "
                + "--max-batch --max-wait-ms --out --baseline --baseline-threads --baseline-images --baseline-batch --python "
                + "--time-bound --request-timeout --help").split(" ")) {
            assertTrue(usage.contains(option), option + " is listed:\n" + usage);
        }
        assertTrue(usage.contains("(default auto: 70% of global's peak closed-loop rate)"), usage);
        assertTrue(usage.contains("(default hybrid,global,local,swapped)"), usage);
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> LoadTestOptions.parse(args)).getMessage();
    }
}
