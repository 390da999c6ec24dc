package dev.phaseflow.app;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow generate}: sample images to PNG files. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images with the zoo's models and write a PNG per image plus a grid.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "16", description = "Images to generate (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--steps", defaultValue = "32", description = "Solver steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--mode", defaultValue = "hybrid", description = "hybrid, global, local or swapped (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--solver", defaultValue = "euler",
            description = "euler, heun, dpmpp-2m or euler-ancestral (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--schedule", defaultValue = "karras",
            description = "karras, exponential, vp-cosine or linear-beta (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--eta", defaultValue = "1.0", description = "Ancestral noise scale for euler-ancestral (default ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed; image i is fixed by (seed, i) (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "phaseflow-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--batch", defaultValue = "64", description = "Most images per model call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--tile", defaultValue = "0", description = "Tile size for local models, 0 for whole images (default ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        Mode m = Mode.parse(mode);
        SampleRequest request = new SampleRequest(count, steps, solver, schedule, m, seed, 0, eta);
        request.validate(new SampleRequest.Limits(100_000, 10_000));
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Files.createDirectories(out);
        try (ModelZoo zoo = common.openZoo();
             DirectSamplingService service = new DirectSamplingService(ModelSet.fromZoo(zoo, tile), batch,
                     new SampleRequest.Limits(100_000, 10_000), 1)) {
            Progress progress = new Progress(err, count, request.steps(), !noProgress);
            List<ImageBatch> images = new ArrayList<>();
            SampleEvent.Completed[] done = new SampleEvent.Completed[1];
            SampleEvent.Started[] started = new SampleEvent.Started[1];
            service.sample(request).doOnNext(e -> {
                if (e instanceof SampleEvent.Started st) {
                    started[0] = st;
                } else if (e instanceof SampleEvent.Step s) {
                    progress.step(s.index() + 1);
                } else if (e instanceof SampleEvent.Image img) {
                    images.add(img.pixels());
                    write(img.pixels(), out.resolve(String.format(Locale.ROOT, "img-%05d.png", img.index())));
                } else if (e instanceof SampleEvent.Completed c) {
                    done[0] = c;
                }
            }).blockLast();
            progress.finish();
            ImageBatch all = ImageBatch.concat(images);
            Png.writeGrid(all.slice(0, Math.min(all.count(), 100)), 10, out.resolve("grid.png"));
            SampleEvent.Completed c = done[0];
            double seconds = c.wallNanos() / 1e9;
            outw.printf(Locale.ROOT, "generated %d images in %.2f s (%.1f images/s), mode %s, %s, %d steps, seed %d%n",
                    c.images(), seconds, c.images() / seconds, m.id(), solver, steps, seed);
            outw.printf(Locale.ROOT, "model evaluations per image batch: %s%n", evaluations(started[0], c));
            outw.printf(Locale.ROOT, "wrote %s/img-*.png and %s%n", out, out.resolve("grid.png"));
        }
        return 0;
    }

    /** Evaluations by model in plan order, each with its route, cost tier and relative cost. */
    static String evaluations(SampleEvent.Started started, SampleEvent.Completed c) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (dev.phaseflow.pipeline.routing.ModelTier t : started.tiers()) {
            parts.add(c.evaluationsByModel().getOrDefault(t.model(), 0L) + " " + t.describe());
        }
        return String.join(", ", parts);
    }

    private static void write(ImageBatch image, Path file) {
        try {
            Png.write(image, 0, file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
