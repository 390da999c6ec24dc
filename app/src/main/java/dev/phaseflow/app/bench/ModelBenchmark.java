package dev.phaseflow.app.bench;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Per-image latency of the zoo's global and local models at several batch sizes, and the cost
 * of tiling. Models of one comparison are timed alternately (A B A B ...), so drift of a noisy
 * machine hits both sides; figures are medians of warm runs.
 */
public final class ModelBenchmark {

    /** Settings: which models, batch sizes, tile sizes, runs and ONNX Runtime threads. */
    public record Settings(String global, String local, int[] batches, int tile, int warmup, int runs, int threads) {
        public static Settings defaults() {
            return new Settings("global-unet", "local-r4", new int[] {1, 16, 64}, 16, 5, 25, 0);
        }
    }

    /** Median per-image milliseconds of global and local at one batch size. */
    public record LatencyRow(int batch, double globalMs, double localMs) {
        public double ratio() {
            return globalMs / localMs;
        }
    }

    /** Median per-image milliseconds of the local model untiled and tiled at one image size. */
    public record TilingRow(int size, int tile, int batch, double untiledMs, double tiledMs) {
        public double overhead() {
            return tiledMs / untiledMs - 1;
        }
    }

    public record Result(Settings settings, List<LatencyRow> latency, List<TilingRow> tiling) {}

    public static Result run(Path zooFolder, Settings s) {
        SessionConfig config = SessionConfig.defaults().withIntraOpThreads(s.threads());
        try (ModelZoo zoo = ModelZoo.open(zooFolder, config)) {
            Denoiser global = zoo.denoiser(s.global());
            Denoiser local = zoo.denoiser(s.local(), 0);
            List<LatencyRow> latency = new ArrayList<>();
            for (int batch : s.batches()) {
                double[] ms = alternate(global, local, batch, 28, 28, s);
                latency.add(new LatencyRow(batch, ms[0] / batch, ms[1] / batch));
            }
            List<TilingRow> tiling = new ArrayList<>();
            Denoiser tiled = zoo.denoiser(s.local(), s.tile());
            for (int size : new int[] {28, 64}) {
                int batch = 16;
                double[] ms = alternate(local, tiled, batch, size, size, s);
                tiling.add(new TilingRow(size, s.tile(), batch, ms[0] / batch, ms[1] / batch));
            }
            return new Result(s, latency, tiling);
        }
    }

    /** Median wall milliseconds per call of a and b on the same inputs, timed alternately. */
    private static double[] alternate(Denoiser a, Denoiser b, int batch, int h, int w, Settings s) {
        Random rnd = new Random(batch * 7919L + h);
        float[] data = new float[batch * h * w];
        double[] sigma = new double[batch];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < batch; i++) {
            sigma[i] = Math.exp(Math.log(0.002) + (Math.log(80) - Math.log(0.002)) * rnd.nextDouble());
        }
        ImageBatch x = new ImageBatch(batch, 1, h, w, data);
        for (int i = 0; i < s.warmup(); i++) {
            a.denoise(x, sigma);
            b.denoise(x, sigma);
        }
        double[] ta = new double[s.runs()];
        double[] tb = new double[s.runs()];
        for (int i = 0; i < s.runs(); i++) {
            long t0 = System.nanoTime();
            a.denoise(x, sigma);
            long t1 = System.nanoTime();
            b.denoise(x, sigma);
            long t2 = System.nanoTime();
            ta[i] = (t1 - t0) / 1e6;
            tb[i] = (t2 - t1) / 1e6;
        }
        return new double[] {median(ta), median(tb)};
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    public static void print(Result r, PrintStream out) {
        Settings s = r.settings();
        out.printf(Locale.ROOT, "Per-image latency, median of %d warm runs (ONNX Runtime CPU, %s intra-op threads, %d cores)%n%n",
                s.runs(), s.threads() == 0 ? "all" : String.valueOf(s.threads()), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "| batch | %s ms/image | %s ms/image | ratio global/local |%n", s.global(), s.local());
        out.println("|---:|---:|---:|---:|");
        for (LatencyRow row : r.latency()) {
            out.printf(Locale.ROOT, "| %d | %.3f | %.3f | %.1fx |%n", row.batch(), row.globalMs(), row.localMs(), row.ratio());
        }
        out.printf(Locale.ROOT, "%nTiling overhead of %s (batch 16, tiles of %d)%n%n", s.local(), s.tile());
        out.println("| image | untiled ms/image | tiled ms/image | overhead |");
        out.println("|---:|---:|---:|---:|");
        for (TilingRow row : r.tiling()) {
            out.printf(Locale.ROOT, "| %dx%d | %.3f | %.3f | %+.0f%% |%n", row.size(), row.size(), row.untiledMs(),
                    row.tiledMs(), 100 * row.overhead());
        }
    }
}
