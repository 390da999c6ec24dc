package dev.phaseflow.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The engine benchmark on the shipped zoo, sized down: it measures what it says, not how fast (no timing asserted). */
class EngineBenchmarkTest {

    @Test
    void measuresEveryLevelOnOneEngineAgainstTheLoopOfItsOwnCalls() {
        Path folder = ModelZoo.defaultFolder();
        Assumptions.assumeTrue(Files.isRegularFile(folder.resolve("router.json")), "no zoo in " + folder);
        int steps = 4;
        int requests = 2;
        int warmup = 4;
        try (ModelZoo zoo = ModelZoo.open(folder, SessionConfig.defaults().withIntraOpThreads(1))) {
            ModelSet models = ModelSet.fromZoo(zoo, 0);
            var settings = new EngineBenchmark.Settings(List.of(Mode.HYBRID), new int[] {1, 2}, requests, steps, "euler",
                    EngineConfig.defaults().withWorkers(1), 2, warmup);
            List<EngineBenchmark.Row> rows = EngineBenchmark.run(models, settings);

            assertEquals(2, rows.size());
            for (EngineBenchmark.Row r : rows) {
                assertEquals(requests * steps, r.steps(), "every step of every request is counted");
                // two rounds of two requests fit in the warm-up budget, one fewer than the JIT's settling needs
                assertEquals(warmup, r.warmupRequests());
                assertTrue(r.modelCalls() >= 1 && r.modelCalls() <= r.steps(), r.toString());
                assertTrue(r.engineSeconds() > 0 && r.loopSeconds() > 0 && r.modelSeconds() > 0, r.toString());
                assertTrue(r.efficiency() > 0 && Double.isFinite(r.efficiency()), r.toString());
                assertTrue(r.jitMillis() >= 0, r.toString());
            }
            // one request at a time: no two steps share a call, so the loop replays one call per step
            assertEquals(requests * steps, rows.get(0).modelCalls());
            assertEquals(1.0, rows.get(0).meanBatch());

            ByteArrayOutputStream text = new ByteArrayOutputStream();
            EngineBenchmark.print(rows, settings, new PrintStream(text, true, StandardCharsets.UTF_8));
            String table = text.toString(StandardCharsets.UTF_8);
            assertTrue(table.contains("| hybrid | 1 | 2 |") && table.contains("| hybrid | 2 | 2 |"), table);
            assertTrue(table.contains("JIT ms in engine run"), table);
        }
    }
}
