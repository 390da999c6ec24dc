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
import reactor.core.publisher.Flux;

/**
 * Engine efficiency: the actor engine's images/s and steps/s at several concurrency levels,
 * against a plain single-thread loop that makes exactly the same model calls (same models,
 * same batch sizes, same tiles) one after another. The loop's time is the model work alone, so
 * loop time / engine time shows what the engine's concurrency gains and its overhead costs.
 */
public final class EngineBenchmark {

    /** One row: a mode at a concurrency. */
    public record Row(Mode mode, int concurrency, int requests, int images, long steps, double engineSeconds,
                      long modelCalls, double meanBatch, double loopSeconds) {
        public double imagesPerSecond() {
            return images / engineSeconds;
        }

        public double stepsPerSecond() {
            return steps / engineSeconds;
        }

        public double loopImagesPerSecond() {
            return images / loopSeconds;
        }

        /** Above 1: the engine beats running its own model calls back to back on one thread. */
        public double efficiency() {
            return loopSeconds / engineSeconds;
        }
    }

    public record Settings(List<Mode> modes, int[] concurrency, int requestsPerLevel, int steps, String solver,
                           EngineConfig engine) {}

    /** A model call as the engine made it. */
    private record Call(String model, int units, int images) {}

    public static List<Row> run(ModelSet models, Settings s) {
        List<Row> rows = new ArrayList<>();
        for (Mode mode : s.modes()) {
            for (int c : s.concurrency()) {
                rows.add(measure(models, s, mode, c));
            }
        }
        return rows;
    }

    private static Row measure(ModelSet models, Settings s, Mode mode, int concurrency) {
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        EngineObserver recorder = new EngineObserver() {
            @Override
            public void modelExecuted(String model, Route route, int units, int images, long wait, long compute) {
                calls.add(new Call(model, units, images));
            }
        };
        int requests = Math.max(s.requestsPerLevel(), concurrency);
        List<SampleRequest> list = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            list.add(SampleRequest.defaults().withMode(mode).withSteps(s.steps()).withSolver(s.solver()).withSeed(i));
        }
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
            return new Row(mode, concurrency, requests, requests, steps, seconds, made.size(),
                    made.isEmpty() ? 0 : (double) made.stream().mapToLong(Call::images).sum() / made.size(), loop);
        }
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
                        + "%d workers per model, %d inference threads, max batch %d, %d cores%n%n", s.steps(), s.solver(),
                s.engine().workersPerModel(), s.engine().inferenceThreads(), s.engine().maxBatch(),
                Runtime.getRuntime().availableProcessors());
        out.println("| mode | concurrency | requests | engine images/s | engine steps/s | model calls | mean batch | loop images/s | engine/loop |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.1f | %d | %.1f | %.2f | %.2fx |%n", r.mode().id(), r.concurrency(),
                    r.requests(), r.imagesPerSecond(), r.stepsPerSecond(), r.modelCalls(), r.meanBatch(),
                    r.loopImagesPerSecond(), r.efficiency());
        }
    }
}
