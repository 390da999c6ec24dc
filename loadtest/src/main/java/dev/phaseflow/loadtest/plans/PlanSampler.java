package dev.phaseflow.loadtest.plans;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.calibration.HybridPlan;
import dev.phaseflow.pipeline.sampling.NoiseSource;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the same images (sample ids {@code 0..count-1} of one seed) under many step plans.
 * Sampling runs from high sigma to low, so two plans that agree on their first k steps share the
 * state after them: the sampler keeps the state at the start of every step it ran, keyed by the
 * models of the steps before, and a new plan resumes from the longest prefix it has seen (bounded
 * by {@code cacheBytes}, least recently used first out). Model calls go out in batches of at most
 * {@code maxBatch} images, as in the reference engine.
 */
public final class PlanSampler {
    private final Map<String, Denoiser> models;
    private final Solver solver;
    private final double[] sigmas;
    private final NoiseSource noise;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final int maxBatch;
    private final long cacheBytes;
    private final LinkedHashMap<String, SamplingRun> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long imageEvaluations;

    public PlanSampler(Map<String, Denoiser> models, Solver solver, double[] sigmas, long seed, int count, int channels,
                       int height, int width, int maxBatch, long cacheBytes) {
        if (count < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("need count >= 1 and maxBatch >= 1, got " + count + " and " + maxBatch);
        }
        this.models = Map.copyOf(models);
        this.solver = solver;
        this.sigmas = sigmas.clone();
        this.noise = new NoiseSource(seed);
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.maxBatch = maxBatch;
        this.cacheBytes = cacheBytes;
    }

    public int count() {
        return count;
    }

    public long seed() {
        return noise.seed();
    }

    /** Image evaluations made so far (images x evaluations), for progress and cost accounting. */
    public long imageEvaluations() {
        return imageEvaluations;
    }

    /** The final images of a plan, clamped to [-1, 1] as the engines deliver them. */
    public ImageBatch sample(StepPlan plan) {
        if (plan.steps() != sigmas.length - 1 || !Arrays.equals(plan.sigmas(), sigmas)) {
            throw new IllegalArgumentException("the plan is over another schedule than this sampler's");
        }
        String[] keys = prefixKeys(plan);
        int start = 0;
        SamplingRun run = null;
        for (int i = plan.steps() - 1; i >= 1 && run == null; i--) {
            SamplingRun cached = cache.get(keys[i]);
            if (cached != null) {
                run = cached.fork();
                start = i;
            }
        }
        if (run == null) {
            long[] ids = new long[count];
            for (int j = 0; j < count; j++) {
                ids[j] = j;
            }
            run = SamplingRun.start(solver, sigmas, noise, ids, channels, height, width);
        }
        var intervals = plan.intervals();
        for (int i = start; i < plan.steps(); i++) {
            if (i > start) {
                remember(keys[i], run.fork());
            }
            while (run.stepIndex() == i && !run.done()) {
                Solver.Evaluation e = run.pending();
                String model = HybridPlan.modelAt(intervals, e.sigma());
                run.accept(denoise(model, e.x(), e.sigma()), model);
            }
        }
        return RunReporter.clamp(run.x());
    }

    /** keys[i]: the models of the evaluations of steps 0..i-1 (the state at the start of step i depends on them). */
    private String[] prefixKeys(StepPlan plan) {
        String[] keys = new String[plan.steps()];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < plan.steps(); i++) {
            keys[i] = b.toString();
            b.append(plan.model(i));
            if (solver.evaluations(sigmas, i) > 1 && i + 1 < plan.steps()) {
                b.append('+').append(plan.model(i + 1)); // the later evaluations of a step sit at the next sigma
            }
            b.append('|');
        }
        return keys;
    }

    private void remember(String key, SamplingRun state) {
        if (cacheBytes <= 0) {
            return;
        }
        cache.put(key, state);
        long each = 2L * count * channels * height * width * Float.BYTES; // x and the previous x0
        while (!cache.isEmpty() && cache.size() * each > cacheBytes) {
            cache.remove(cache.keySet().iterator().next());
        }
    }

    private ImageBatch denoise(String model, ImageBatch x, double sigma) {
        Denoiser d = models.get(model);
        if (d == null) {
            throw new IllegalArgumentException("the plan names model '" + model + "', which is not among " + models.keySet());
        }
        List<ImageBatch> parts = new ArrayList<>();
        for (int from = 0; from < x.count(); from += maxBatch) {
            int to = Math.min(x.count(), from + maxBatch);
            double[] s = new double[to - from];
            Arrays.fill(s, sigma);
            parts.add(d.denoise(x.slice(from, to), s));
        }
        imageEvaluations += x.count();
        return parts.size() == 1 ? parts.get(0) : ImageBatch.concat(parts);
    }
}
