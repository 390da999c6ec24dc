package dev.phaseflow.app;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.app.bench.EngineBenchmark;
import dev.phaseflow.app.bench.ModelBenchmark;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.routing.Mode;
import java.util.List;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code phaseflow bench}: model latency and tiling overhead. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the zoo's models: per-image latency of global and local at batch 1, 16, 64, their ratio, "
                + "and the overhead of tiling.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--runs", defaultValue = "25", description = "Timed runs per figure, after warm-up (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--global", defaultValue = "global-unet", description = "Global model (default ${DEFAULT-VALUE}).")
    String global;

    @Option(names = "--local", defaultValue = "local-r4", description = "Local model (default ${DEFAULT-VALUE}).")
    String local;

    @Option(names = "--tile", defaultValue = "16", description = "Tile size for the tiling figures (default ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--engine", description = "Benchmark the actor engine against a single-thread loop of the same model "
            + "calls (global and hybrid, concurrency 1, 4, 16, 64) instead of the models.")
    boolean engine;

    @Option(names = "--requests", defaultValue = "64", description = "Requests per concurrency level with --engine (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--steps", defaultValue = "32", description = "Steps per request with --engine (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--max-wait-ms", description = "Engine batching delay with --engine (default: the engine's).")
    Integer maxWaitMs;

    @Option(names = "--repeats", defaultValue = "3", description = "With --engine: engine and loop runs per figure, "
            + "alternated; medians are printed (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "2000", description = "With --engine: the most untimed requests before each "
            + "concurrency level, at that concurrency, run until the JIT has settled (its compile time under 2% of the "
            + "wall time three rounds in a row), so that the engine is measured compiled (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--levels", split = ",", defaultValue = "1,4,16,64", description = "Concurrency levels with --engine (default ${DEFAULT-VALUE}).")
    int[] levels;

    @Option(names = "--modes", split = ",", defaultValue = "global,hybrid", description = "Modes with --engine (default ${DEFAULT-VALUE}).")
    List<String> modes;

    @Override
    public Integer call() {
        if (engine) {
            return engineBenchmark();
        }
        var d = ModelBenchmark.Settings.defaults();
        var s = new ModelBenchmark.Settings(global, local, d.batches(), tile, d.warmup(), runs, common.threads);
        ModelBenchmark.print(ModelBenchmark.run(common.zooFolder(), s), new PrintStream(System.out, true));
        return 0;
    }

    private int engineBenchmark() {
        try (ModelZoo zoo = common.openZoo()) {
            EngineConfig config = EngineConfig.defaults();
            if (maxWaitMs != null) {
                config = config.withMaxWait(java.time.Duration.ofMillis(maxWaitMs));
            }
            var settings = new EngineBenchmark.Settings(modes.stream().map(Mode::parse).toList(), levels, requests, steps,
                    "euler", config, repeats, warmup);
            ModelSet models = ModelSet.fromZoo(zoo, tile == 16 ? 0 : tile);
            EngineBenchmark.print(EngineBenchmark.run(models, settings), settings, new PrintStream(System.out, true));
        }
        return 0;
    }
}
