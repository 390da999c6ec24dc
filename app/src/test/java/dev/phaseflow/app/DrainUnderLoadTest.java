package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelZoo;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, problem 1: SIGTERM under load, on {@code phaseflow serve} with the zoo's real ONNX
 * models in a process of its own. Before the fix the JVM died of SIGSEGV inside
 * {@code OrtSession.run} (ONNX Runtime's shutdown hook freed its environment under running calls)
 * and most streams got no end. Now every stream ends with {@code completed} or {@code error}, and
 * the process exits with 0 within the drain limit.
 */
@Tag("slow")
class DrainUnderLoadTest {
    static final int STREAMS = 6;
    static final int DRAIN_SECONDS = 3;

    @Test
    void sigtermUnderLoadEndsEveryStreamAndExitsZero(@TempDir Path dir) throws Exception {
        Path zoo = ModelZoo.defaultFolder();
        Assumptions.assumeTrue(Files.isRegularFile(zoo.resolve("router.json")), "no zoo with a router plan at " + zoo);
        Path log = dir.resolve("stderr.log");
        Process p = ServeProcesses.phaseflow(dir, "stderr.log", List.of("serve", "--port", "0", "--zoo", zoo.toString(),
                "--threads", "1", "--workers", "1", "--shadow-fraction", "0", "--drain-timeout", String.valueOf(DRAIN_SECONDS)));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            String base = ServeProcesses.url(p, log);
            CountDownLatch going = new CountDownLatch(STREAMS);
            List<CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                String body = "{\"count\": 2, \"steps\": 300, \"seed\": " + i + "}";
                streams.add(CompletableFuture.supplyAsync(() -> ServeProcesses.events(http, base, body, going)));
            }
            assertTrue(going.await(120, TimeUnit.SECONDS), "every stream got its first steps\n" + Files.readString(log));

            long signalled = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(DRAIN_SECONDS + 40, TimeUnit.SECONDS), "the process exited\n" + Files.readString(log));
            double exitSeconds = (System.nanoTime() - signalled) / 1e9;
            String stderr = Files.readString(log);
            assertEquals(0, p.exitValue(), "exit code after SIGTERM\n" + stderr);
            assertFalse(stderr.contains("SIGSEGV") || stderr.contains("fatal error"), stderr);
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "a JVM crash log was written");
            }
            for (int i = 0; i < STREAMS; i++) {
                List<String> names = streams.get(i).get(30, TimeUnit.SECONDS);
                String last = names.isEmpty() ? "(none)" : names.get(names.size() - 1);
                assertTrue(last.equals("completed") || last.startsWith("error"), "stream " + i + " ended with " + last
                        + "\n" + stderr);
            }
            System.out.printf("drain under load: exit 0 %.1f s after SIGTERM (drain limit %d s)%n", exitSeconds, DRAIN_SECONDS);
        } finally {
            p.destroyForcibly();
        }
    }
}
