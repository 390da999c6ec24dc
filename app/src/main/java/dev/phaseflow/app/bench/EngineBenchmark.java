package dev.phaseflow.app.bench;

import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.actors.EngineObserver;
import dev.phaseflow.actors.PhaseflowEngine;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.TiledDenoiser;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.ToDoubleFunction;
import reactor.core.publisher.Flux;

/**
 * Engine efficiency: the actor engine's images/s and steps/s at several concurrency levels,
 * against a plain single-thread loop that makes exactly the same model calls (same models,
 * same batch sizes, same tiles) one after another. The loop's time is the model work alone, so
 * loop time / engine time shows what the engine's concurrency gains and its overhead costs.
 * Each figure is measured {@code repeats} times, engine and loop alternated (a fresh engine each
 * time), and the medians are reported: on a shared 2-core machine one run spreads by +-15%.
 * Before a mode's first figure, {@code warmupRequests} requests go through a throw-away engine
 * one at a time, so that the JIT has compiled the engine's per-step code, as in a server that has
 * been up a while (JMH's warm-up iterations): measured cold, the first 1,000 steps of a fresh JVM
 * spent 0.45-0.55 ms each outside the model calls, against 0.17-0.22 ms once compiled.
 */
public final class EngineBenchmark {

    /**
     * One row: a mode at a concurrency, the medians over the repeats ({@code efficiency} is the median of the
     * per-repeat ratios, each engine run against the loop run right after it).
     *
     * @param modelSeconds time the engine's workers spent inside model calls (summed over workers)
     */
    public record Row(Mode mode, int concurrency, int requests, int images, long steps, double engineSeconds,
                      long modelCalls, double meanBatch, double loopSeconds, double modelSeconds, double efficiency) {
        public double imagesPerSecond() {
            return images / engineSeconds;
        }

        public double stepsPerSecond() {
            return steps / engineSeconds;
        }

        public double loopImagesPerSecond() {
            return images / loopSeconds;
        }

        /** Engine wall time per step outside model calls, in ms (meaningful at concurrency 1, where calls do not overlap). */
        public double overheadMsPerStep() {
            return (engineSeconds - modelSeconds) * 1e3 / steps;
        }
    }

    /** One engine run and the loop run of its calls. */
    private record Trial(long steps, double engineSeconds, long modelCalls, double meanBatch, double loopSeconds,
                         double modelSeconds) {}

    public record Settings(List<Mode> modes, int[] concurrency, int requestsPerLevel, int steps, String solver,
                           EngineConfig engine, int repeats, int warmupRequests) {
        public Settings {
            if (repeats < 1) {
                throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
            }
            if (warmupRequests < 0) {
                throw new IllegalArgumentException("warm-up requests must not be negative, got " + warmupRequests);
            }
        }
    }

    /** A model call as the engine made it, and its time inside the worker. */
    private record Call(String model, int units, int images, long computeNanos) {}

    public static List<Row> run(ModelSet models, Settings s) {
        List<Row> rows = new ArrayList<>();
        for (Mode mode : s.modes()) {
            warmUp(models, s, mode);
            for (int c : s.concurrency()) {
                rows.add(measure(models, s, mode, c));
            }
        }
        return rows;
    }

    /** Runs the mode's requests through a throw-away engine, one at a time, untimed. */
    private static void warmUp(ModelSet models, Settings s, Mode mode) {
        if (s.warmupRequests() == 0) {
            return;
        }
        try (PhaseflowEngine engine = PhaseflowEngine.create(models, s.engine(), SampleRequest.Limits.defaults(),
                EngineObserver.NONE)) {
            Flux.range(0, s.warmupRequests())
                    .concatMap(i -> engine.sample(request(s, mode, i)).count())
                    .blockLast(Duration.ofMinutes(30));
        }
    }

    private static SampleRequest request(Settings s, Mode mode, int seed) {
        return SampleRequest.defaults().withMode(mode).withSteps(s.steps()).withSolver(s.solver()).withSeed(seed);
    }

    private static Row measure(ModelSet models, Settings s, Mode mode, int concurrency) {
        int requests = Math.max(s.requestsPerLevel(), concurrency);
        List<SampleRequest> list = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            list.add(request(s, mode, i));
        }
        List<Trial> trials = new ArrayList<>();
        for (int r = 0; r < s.repeats(); r++) {
            trials.add(trial(models, s, list, concurrency));
        }
        return new Row(mode, concurrency, requests, requests, trials.get(0).steps(),
                median(trials, Trial::engineSeconds), trials.get(0).modelCalls(), median(trials, Trial::meanBatch),
                median(trials, Trial::loopSeconds), median(trials, Trial::modelSeconds),
                median(trials, t -> t.loopSeconds() / t.engineSeconds()));
    }

    private static Trial trial(ModelSet models, Settings s, List<SampleRequest> list, int concurrency) {
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        EngineObserver recorder = new EngineObserver() {
            @Override
            public void modelExecuted(String model, Route route, int units, int images, long wait, long compute) {
                calls.add(new Call(model, units, images, compute));
            }
        };
        try (PhaseflowEngine engine = PhaseflowEngine.create(models, s.engine(), SampleRequest.Limits.defaults(), recorder)) {
            // warm-up: one request per model path, not recorded
            engine.sample(list.get(0).withSteps(4)).blockLast(Duration.ofMinutes(5));
            calls.clear();
            long start = System.nanoTime();
            long steps = Flux.fromIterable(list)
                    .flatMap(r -> engine.sample(r).filter(e -> e instanceof SampleEvent.Step).count(), concurrency)
                    .reduce(0L, Long::sum).block(Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Call> made = List.copyOf(calls);
            double loop = replay(models, made);
            double model = made.stream().mapToLong(Call::computeNanos).sum() / 1e9;
            return new Trial(steps, seconds, made.size(),
                    made.isEmpty() ? 0 : (double) made.stream().mapToLong(Call::images).sum() / made.size(), loop, model);
        }
    }

    private static double median(List<Trial> trials, ToDoubleFunction<Trial> f) {
        double[] v = trials.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The same calls, one after another on this thread; returns their total seconds. */
    private static double replay(ModelSet models, List<Call> calls) {
        Random rnd = new Random(1);
        long total = 0;
        for (Call call : calls) {
            Denoiser d = models.denoiser(call.model());
            ImageBatch x = random(call.images(), models, rnd);
            double[] sigma = new double[call.images()];
            Arrays.fill(sigma, 1.0);
            long t0 = System.nanoTime();
            if (d instanceof TiledDenoiser t && call.units() != call.images()) {
                List<TiledDenoiser.TileTask> tasks = t.tasks(call.images(), models.height(), models.width());
                t.denoiseTiles(x, sigma, tasks.subList(0, Math.min(call.units(), tasks.size())));
            } else {
                d.denoise(x, sigma);
            }
            total += System.nanoTime() - t0;
        }
        return total / 1e9;
    }

    private static ImageBatch random(int n, ModelSet models, Random rnd) {
        float[] data = new float[n * models.channels() * models.height() * models.width()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        return new ImageBatch(n, models.channels(), models.height(), models.width(), data);
    }

    public static void print(List<Row> rows, Settings s, PrintStream out) {
        out.printf(Locale.ROOT, "Engine vs single-thread loop of the same model calls: %d steps %s, 1 image per request, "
                        + "%d workers per model, %d inference threads, max batch %d, %d cores; medians of %d alternated "
                        + "engine/loop runs, after %d warm-up requests per mode%n%n", s.steps(), s.solver(), s.engine().workersPerModel(),
                s.engine().inferenceThreads(), s.engine().maxBatch(), Runtime.getRuntime().availableProcessors(), s.repeats(),
                s.warmupRequests());
        out.println("| mode | concurrency | requests | engine images/s | engine steps/s | model calls | mean batch | loop images/s "
                + "| engine model s | loop s | engine ms/step outside calls | engine/loop |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            // calls overlap above one request, so time outside them is not a per-step cost there
            String outside = r.concurrency() == 1 ? String.format(Locale.ROOT, "%.3f", r.overheadMsPerStep()) : "-";
            out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.1f | %d | %.1f | %.2f | %.2f | %.2f | %s | %.2fx |%n",
                    r.mode().id(), r.concurrency(), r.requests(), r.imagesPerSecond(), r.stepsPerSecond(), r.modelCalls(),
                    r.meanBatch(), r.loopImagesPerSecond(), r.modelSeconds(), r.loopSeconds(), outside, r.efficiency());
        }
    }
}
