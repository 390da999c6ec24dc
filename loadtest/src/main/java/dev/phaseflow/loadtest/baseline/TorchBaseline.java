package dev.phaseflow.loadtest.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code baselines/torch_global.py}: the global model and the Euler/Karras sampler in plain
 * PyTorch, for the images/s the engine's global mode is compared with. The script ships in this
 * jar; it is copied into the report folder (so the report holds what was run) and started with
 * the configured Python. Skipped, with the reason, when that Python cannot import torch or a file
 * it needs is missing.
 */
public final class TorchBaseline {
    public static final String SCRIPT_RESOURCE = "/dev/phaseflow/loadtest/baseline/torch_global.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param python   the interpreter (Debian's /usr/bin/python3 has python3-torch and python3-onnx)
     * @param onnx     the zoo's global model file
     * @param nets     models/training (nets.py, fmnist.py)
     * @param steps    Euler steps
     * @param batch    images per batch
     * @param images   images to time
     * @param threads  torch.set_num_threads
     * @param sigmaMin schedule's smallest sigma
     * @param sigmaMax schedule's largest sigma
     * @param timeout  how long the script may run
     */
    public record Settings(Path python, Path onnx, Path nets, int steps, int batch, int images, int threads,
                           double sigmaMin, double sigmaMax, Duration timeout) {

        List<String> command(Path script) {
            return List.of(python.toString(), script.toString(), "--onnx", onnx.toString(), "--nets", nets.toString(),
                    "--steps", Integer.toString(steps), "--batch", Integer.toString(batch), "--images",
                    Integer.toString(images), "--threads", Integer.toString(threads), "--sigma-min",
                    String.format(Locale.ROOT, "%s", sigmaMin), "--sigma-max", String.format(Locale.ROOT, "%s", sigmaMax));
        }
    }

    private TorchBaseline() {}

    /** Runs the baseline, its script and stderr kept in {@code folder}. */
    public static BaselineResult run(Settings s, Path folder) throws InterruptedException {
        if (!Files.isExecutable(s.python())) {
            return BaselineResult.skipped("no Python at " + s.python());
        }
        if (!Files.isRegularFile(s.onnx())) {
            return BaselineResult.skipped("the global model " + s.onnx() + " is missing");
        }
        if (!Files.isRegularFile(s.nets().resolve("nets.py")) || !Files.isRegularFile(s.nets().resolve("fmnist.py"))) {
            return BaselineResult.skipped(s.nets() + " has no nets.py and fmnist.py (the PyTorch definition of the UNet)");
        }
        try {
            Files.createDirectories(folder);
            Process probe = new ProcessBuilder(s.python().toString(), "-c", "import torch")
                    .redirectErrorStream(true).redirectOutput(folder.resolve("torch-probe.txt").toFile()).start();
            if (!probe.waitFor(60, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return BaselineResult.skipped(s.python() + " -c 'import torch' did not finish in 60 s");
            }
            if (probe.exitValue() != 0) {
                return BaselineResult.skipped(s.python() + " cannot import torch: " + lastLine(folder.resolve("torch-probe.txt")));
            }
            Path script = folder.resolve("torch_global.py");
            try (InputStream in = TorchBaseline.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                if (in == null) {
                    return BaselineResult.failed("the script " + SCRIPT_RESOURCE + " is not on the class path",
                            MissingNode.getInstance());
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            return execute(s.command(script), s.timeout(), folder);
        } catch (IOException e) {
            return BaselineResult.failed("could not run the baseline: " + e.getMessage(), MissingNode.getInstance());
        }
    }

    /** Runs a command that prints one JSON line (its last line of output) and reads that line. */
    static BaselineResult execute(List<String> command, Duration timeout, Path folder) throws IOException, InterruptedException {
        Path stdout = folder.resolve("baseline-stdout.txt");
        Path stderr = folder.resolve("baseline-stderr.txt");
        Files.writeString(folder.resolve("baseline-command.txt"), String.join(" ", command) + "\n");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return BaselineResult.failed("did not finish within " + timeout.toSeconds() + " s", MissingNode.getInstance());
        }
        String last = lastLine(stdout);
        JsonNode json;
        try {
            json = JSON.readTree(last);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return BaselineResult.failed("exit " + p.exitValue() + ", no JSON result; stderr: " + lastLine(stderr),
                    MissingNode.getInstance());
        }
        if (json.has("error")) {
            return BaselineResult.failed(json.get("error").asText(), json);
        }
        JsonNode rate = json.get("images_per_second");
        if (p.exitValue() != 0 || rate == null || !rate.isNumber()) {
            return BaselineResult.failed("exit " + p.exitValue() + ", no images_per_second in " + last, json);
        }
        return BaselineResult.ran(rate.asDouble(), json);
    }

    private static String lastLine(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
