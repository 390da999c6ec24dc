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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import reactor.core.publisher.Flux;

/**
 * Engine efficiency: the actor engine's images/s and steps/s at several concurrency levels,
 * against a plain single-thread loop that makes exactly the same model calls (same models,
 * same batch sizes, same tiles) one after another. The loop's time is the model work alone, so
 * loop time / engine time shows what the engine's concurrency gains and its overhead costs.
 * Each figure is measured {@code repeats} times, engine and loop alternated, and the medians are
 * reported: on a shared 2-core machine one run spreads by +-15%. All of a mode's runs go through
 * one engine, as in a server that has been up a while, and before each concurrency level
 * untimed requests go through it at that concurrency until the JIT has settled, at most
 * {@code warmupRequests} (JMH's warm-up iterations). Both matter on 2 cores: a fresh engine per run, even after 64 warm-up requests on
 * another engine, had the JIT compiling its start-up and per-request code for 100-700 ms of each
 * 1.1-1.5 s run, on the cores the model calls use. The JIT's time during each engine run is
 * reported, so that a figure taken before the compiler settled shows as such.
 */
public final class EngineBenchmark {

    /** The JIT counts as settled once its compile time stays under this share of the wall time ... */
    static final double SETTLED_JIT_SHARE = 0.02;
    /** ... for this many warm-up rounds in a row. */
    static final int SETTLED_ROUNDS = 3;

    /**
     * One row: a mode at a concurrency, the medians over the repeats ({@code efficiency} is the median of the
     * per-repeat ratios, each engine run against the loop run right after it).
     *
     * @param modelSeconds time the engine's workers spent inside model calls (summed over workers)
     */
    public record Row(Mode mode, int concurrency, int requests, int images, long steps, double engineSeconds,
                      long modelCalls, double meanBatch, double loopSeconds, double modelSeconds, double efficiency,
                      double jitMillis, int warmupRequests) {
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

    /** One engine run and the loop run of its calls; {@code jitMillis}: the JIT's compile time during the engine run. */
    private record Trial(long steps, double engineSeconds, long modelCalls, double meanBatch, double loopSeconds,
                         double modelSeconds, double jitMillis) {}

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
        AtomicReference<Queue<Call>> calls = new AtomicReference<>(new ConcurrentLinkedQueue<>());
        EngineObserver recorder = new EngineObserver() {
            @Override
            public void modelExecuted(String model, Route route, int units, int images, long wait, long compute) {
                calls.get().add(new Call(model, units, images, compute));
            }
        };
        for (Mode mode : s.modes()) {
            try (PhaseflowEngine engine = PhaseflowEngine.create(models, s.engine(), SampleRequest.Limits.defaults(),
                    recorder)) {
                for (int c : s.concurrency()) {
                    int requests = Math.max(s.requestsPerLevel(), c);
                    int warm = warmUp(engine, s, mode, requests, c);
                    rows.add(measure(engine, models, s, mode, requests, c, calls, warm));
                }
            }
        }
        return rows;
    }

    /**
     * Untimed rounds of the level's requests at its concurrency, until the JIT's compile time has stayed under
     * {@link #SETTLED_JIT_SHARE} of the wall time for {@link #SETTLED_ROUNDS} rounds in a row, or
     * {@code warmupRequests} have run; returns the requests run. Once-per-request code (a job's spawn, its
     * schedule and noise) is called once per 32 steps, so it reaches the JIT's top tier only after hundreds of
     * requests: measured at one request at a time, hybrid, the JIT compiled for 200-700 ms of each 1.2 s
     * round of 32 requests over the first 300, and this rule ended the warm-up after 320-768 requests in eight runs.
     */
    private static int warmUp(PhaseflowEngine engine, Settings s, Mode mode, int round, int concurrency) {
        int done = 0;
        int settled = 0;
        while (done < s.warmupRequests() && settled < SETTLED_ROUNDS) {
            int n = Math.min(round, s.warmupRequests() - done);
            Run run = requests(engine, s, mode, n, concurrency);
            done += n;
            settled = run.jitMillis() < SETTLED_JIT_SHARE * run.seconds() * 1e3 ? settled + 1 : 0;
        }
        return done;
    }

    /** Requests run through the engine: the steps streamed, the wall time, the JIT's compile time meanwhile. */
    private record Run(long steps, double seconds, long jitMillis) {}

    /** {@code n} requests of the mode, seeds 0..n-1, {@code concurrency} at a time. */
    private static Run requests(PhaseflowEngine engine, Settings s, Mode mode, int n, int concurrency) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitStart = jit.getTotalCompilationTime();
        long start = System.nanoTime();
        long steps = Flux.range(0, n)
                .flatMap(i -> engine.sample(request(s, mode, i)).filter(e -> e instanceof SampleEvent.Step).count(),
                        concurrency)
                .reduce(0L, Long::sum).block(Duration.ofMinutes(30));
        return new Run(steps, (System.nanoTime() - start) / 1e9, jit.getTotalCompilationTime() - jitStart);
    }

    private static SampleRequest request(Settings s, Mode mode, int seed) {
        return SampleRequest.defaults().withMode(mode).withSteps(s.steps()).withSolver(s.solver()).withSeed(seed);
    }

    private static Row measure(PhaseflowEngine engine, ModelSet models, Settings s, Mode mode, int requests,
                               int concurrency, AtomicReference<Queue<Call>> calls, int warmupRequests) {
        List<Trial> trials = new ArrayList<>();
        for (int r = 0; r < s.repeats(); r++) {
            trials.add(trial(engine, models, s, mode, requests, concurrency, calls));
        }
        return new Row(mode, concurrency, requests, requests, trials.get(0).steps(),
                median(trials, Trial::engineSeconds), trials.get(0).modelCalls(), median(trials, Trial::meanBatch),
                median(trials, Trial::loopSeconds), median(trials, Trial::modelSeconds),
                median(trials, t -> t.loopSeconds() / t.engineSeconds()), median(trials, Trial::jitMillis), warmupRequests);
    }

    private static Trial trial(PhaseflowEngine engine, ModelSet models, Settings s, Mode mode, int requests,
                               int concurrency, AtomicReference<Queue<Call>> calls) {
        Queue<Call> recorded = new ConcurrentLinkedQueue<>();
        calls.set(recorded);
        Run run = requests(engine, s, mode, requests, concurrency);
        calls.set(new ConcurrentLinkedQueue<>()); // the next warm-up's calls are not this trial's
        List<Call> made = List.copyOf(recorded);
        double loop = replay(models, made);
        double model = made.stream().mapToLong(Call::computeNanos).sum() / 1e9;
        return new Trial(run.steps(), run.seconds(), made.size(),
                made.isEmpty() ? 0 : (double) made.stream().mapToLong(Call::images).sum() / made.size(), loop, model,
                run.jitMillis());
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
                        + "engine/loop runs on one engine per mode; before each level, untimed warm-up requests until the JIT's "
                        + "compile time stayed under %.0f%% of the wall time for %d rounds in a row (at most %d)%n%n", s.steps(),
                s.solver(), s.engine().workersPerModel(), s.engine().inferenceThreads(), s.engine().maxBatch(),
                Runtime.getRuntime().availableProcessors(), s.repeats(), SETTLED_JIT_SHARE * 100, SETTLED_ROUNDS,
                s.warmupRequests());
        out.println("| mode | concurrency | requests | engine images/s | engine steps/s | model calls | mean batch | loop images/s "
                + "| engine model s | loop s | engine ms/step outside calls | warm-up requests | JIT ms in engine run | engine/loop |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            // calls overlap above one request, so time outside them is not a per-step cost there
            String outside = r.concurrency() == 1 ? String.format(Locale.ROOT, "%.3f", r.overheadMsPerStep()) : "-";
            out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.1f | %d | %.1f | %.2f | %.2f | %.2f | %s | %d | %.0f | %.2fx |%n",
                    r.mode().id(), r.concurrency(), r.requests(), r.imagesPerSecond(), r.stepsPerSecond(), r.modelCalls(),
                    r.meanBatch(), r.loopImagesPerSecond(), r.modelSeconds(), r.loopSeconds(), outside, r.warmupRequests(), r.jitMillis(),
                    r.efficiency());
        }
    }
}
