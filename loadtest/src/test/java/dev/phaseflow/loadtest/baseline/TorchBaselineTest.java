package dev.phaseflow.loadtest.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The baseline's process plumbing with stand-in commands (the script itself needs torch and a trained model). */
class TorchBaselineTest {

    @Test
    void readsTheLastJsonLine(@TempDir Path dir) throws Exception {
        BaselineResult r = TorchBaseline.execute(sh("echo warming up; echo '{\"images_per_second\": 12.5, \"batch\": 64}'"),
                Duration.ofSeconds(30), dir);
        assertEquals("ran", r.status());
        assertEquals(12.5, r.imagesPerSecond());
        assertEquals(64, r.details().get("batch").asInt());
        assertTrue(Files.readString(dir.resolve("baseline-command.txt")).startsWith("sh -c"));
    }

    @Test
    void aReportedErrorOrNoJsonIsAFailureWithItsReason(@TempDir Path dir) throws Exception {
        BaselineResult error = TorchBaseline.execute(sh("echo '{\"error\": \"weights do not match\"}'; exit 2"),
                Duration.ofSeconds(30), dir);
        assertEquals("failed", error.status());
        assertEquals("weights do not match", error.reason());
        BaselineResult crash = TorchBaseline.execute(sh("echo 'Traceback: boom' >&2; exit 1"), Duration.ofSeconds(30), dir);
        assertEquals("failed", crash.status());
        assertEquals("exit 1, no JSON result; stderr: Traceback: boom", crash.reason());
        assertTrue(Double.isNaN(crash.imagesPerSecond()));
    }

    @Test
    void aScriptPastItsTimeIsStopped(@TempDir Path dir) throws Exception {
        BaselineResult r = TorchBaseline.execute(sh("sleep 30"), Duration.ofMillis(200), dir);
        assertEquals("failed", r.status());
        assertEquals("did not finish within 0 s", r.reason());
    }

    @Test
    void skipsWhenPythonTorchOrAFileIsMissing(@TempDir Path dir) throws Exception {
        Path onnx = Files.writeString(dir.resolve("model.onnx"), "stand-in");
        Path nets = Files.createDirectories(dir.resolve("training"));
        Path noTorch = Path.of("/bin/false"); // exits 1 for "-c 'import torch'"
        assertEquals("no Python at /nowhere/python3", run(Path.of("/nowhere/python3"), onnx, nets, dir).reason());
        assertEquals("the global model " + dir.resolve("absent.onnx") + " is missing",
                run(noTorch, dir.resolve("absent.onnx"), nets, dir).reason());
        assertTrue(run(noTorch, onnx, nets, dir).reason().endsWith("has no nets.py and fmnist.py (the PyTorch definition of the UNet)"));
        Files.writeString(nets.resolve("nets.py"), "");
        Files.writeString(nets.resolve("fmnist.py"), "");
        BaselineResult r = run(noTorch, onnx, nets, dir);
        assertEquals("skipped", r.status());
        assertTrue(r.reason().startsWith("/bin/false cannot import torch"), r.reason());
    }

    @Test
    void theScriptShipsInTheJar() {
        assertNotNull(TorchBaseline.class.getResource(TorchBaseline.SCRIPT_RESOURCE));
    }

    private static BaselineResult run(Path python, Path onnx, Path nets, Path dir) throws InterruptedException {
        return TorchBaseline.run(new TorchBaseline.Settings(python, onnx, nets, 4, 2, 2, 1, 0.002, 80, Duration.ofSeconds(30)),
                dir.resolve("out"));
    }

    private static List<String> sh(String script) {
        return List.of("sh", "-c", script);
    }
}
