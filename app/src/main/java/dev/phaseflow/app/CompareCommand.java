package dev.phaseflow.app;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.DirectSamplingService;
import dev.phaseflow.pipeline.ModeComparison;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow compare}: the same seeds in every mode, side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Sample the same seeds in hybrid, global, local and swapped mode; write a grid per mode and print "
                + "each mode's distance to global-only and its model evaluations by route.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "64", description = "Images per mode (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--steps", defaultValue = "32", description = "Solver steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--solver", defaultValue = "euler", description = "Solver (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "phaseflow-out/compare", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        SampleRequest request = SampleRequest.defaults().withCount(count).withSteps(steps).withSolver(solver).withSeed(seed);
        Files.createDirectories(out);
        PrintWriter w = spec.commandLine().getOut();
        try (ModelZoo zoo = common.openZoo();
             DirectSamplingService service = new DirectSamplingService(ModelSet.fromZoo(zoo, 0), 64,
                     new SampleRequest.Limits(100_000, 10_000), 1)) {
            Map<Mode, ModeComparison.ModeResult> results = ModeComparison.run(service, request);
            w.printf(Locale.ROOT, "%d images per mode, %d %s steps, seed %d%n%n", count, steps, solver, seed);
            w.println("| mode | mean |x - x_global| | rms to global | local evaluations | global evaluations | seconds |");
            w.println("|---|---:|---:|---:|---:|---:|");
            for (ModeComparison.ModeResult r : results.values()) {
                Png.writeGrid(r.images(), 8, out.resolve("grid-" + r.mode().id() + ".png"));
                w.printf(Locale.ROOT, "| %s | %.4f | %.4f | %d | %d | %.2f |%n", r.mode().id(), r.meanAbsToGlobal(),
                        r.rmsToGlobal(), r.evaluations().get(dev.phaseflow.pipeline.routing.Route.LOCAL),
                        r.evaluations().get(dev.phaseflow.pipeline.routing.Route.GLOBAL), r.seconds());
            }
            w.println();
            w.println("wrote " + out.resolve("grid-{hybrid,global,local,swapped}.png"));
        }
        return 0;
    }
}
