package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phaseflow plans} in a JVM of its own, as a user runs it: the table reaches stdout before the exit. */
class PlansCommandTest {
    private static final Path ZOO = Path.of("../models/zoo/fashion-mnist").toAbsolutePath();

    @Test
    void printsItsTableBeforeExiting(@TempDir Path dir) throws Exception {
        Process p = ServeProcesses.phaseflow(dir, "stderr.txt",
                List.of("plans", "--zoo", ZOO.toString(), "--configs", "euler:3", "--images", "8"));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "plans finished");
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("| euler:3 | 3 |"), "the table row of euler:3 is printed:\n" + out + "\n" + err);
        assertTrue(out.contains("(8 images per row"), out);
    }
}
