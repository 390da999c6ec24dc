package dev.phaseflow.app;

import dev.phaseflow.models.bench.ModelBenchmark;
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

    @Override
    public Integer call() {
        var d = ModelBenchmark.Settings.defaults();
        var s = new ModelBenchmark.Settings(global, local, d.batches(), tile, d.warmup(), runs, common.threads);
        ModelBenchmark.print(ModelBenchmark.run(common.zooFolder(), s), new PrintStream(System.out, true));
        return 0;
    }
}
