package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one image costs each model, in seconds of wall time per image: the plan picks the
 * cheapest model that is good enough, and the speed-up of a plan is computed from these.
 *
 * @param secondsPerImage per model name
 * @param batch           images per timed call (0 when the costs were given, not measured)
 * @param runs            timed calls per model, of which the median is taken (0 when given)
 * @param measured        whether the costs were measured here or given by the caller
 */
public record ModelCosts(Map<String, Double> secondsPerImage, int batch, int runs, boolean measured) {
    public static final int BATCH = 16;
    public static final int WARMUP_RUNS = 3;
    public static final int TIMED_RUNS = 15;
    /** The noise level of the timed calls; cost does not depend on it for the zoo's networks. */
    static final double TIMING_SIGMA = 1.0;

    public ModelCosts {
        secondsPerImage = Collections.unmodifiableMap(new LinkedHashMap<>(secondsPerImage)); // report order
        secondsPerImage.forEach((model, cost) -> {
            if (!(cost > 0) || !Double.isFinite(cost)) {
                throw new IllegalArgumentException("field 'costs." + model + "' must be a positive number of seconds, got "
                        + cost);
            }
        });
    }

    /** Costs known beforehand (tests, or costs measured elsewhere). */
    public static ModelCosts given(Map<String, Double> secondsPerImage) {
        return new ModelCosts(secondsPerImage, 0, 0, false);
    }

    /**
     * Times every model on a batch of {@link #BATCH} images (the given images, repeated as needed):
     * {@link #WARMUP_RUNS} untimed calls, then the median of {@link #TIMED_RUNS} timed calls.
     */
    public static ModelCosts measure(Map<String, ? extends Denoiser> models, ImageBatch images) {
        return measure(models, images, BATCH, WARMUP_RUNS, TIMED_RUNS);
    }

    public static ModelCosts measure(Map<String, ? extends Denoiser> models, ImageBatch images, int batch, int warmup,
                                     int runs) {
        if (images.count() == 0 || batch < 1 || runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("model costs need images, batch >= 1, runs >= 1 and warmup >= 0, got "
                    + images.count() + " images, batch " + batch + ", runs " + runs + ", warmup " + warmup);
        }
        int[] pick = new int[batch];
        for (int i = 0; i < batch; i++) {
            pick[i] = i % images.count();
        }
        ImageBatch x = images.select(pick);
        double[] sigma = new double[batch];
        Arrays.fill(sigma, TIMING_SIGMA);
        Map<String, Double> costs = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Denoiser> e : models.entrySet()) {
            Denoiser model = e.getValue();
            for (int i = 0; i < warmup; i++) {
                model.denoise(x, sigma);
            }
            long[] nanos = new long[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                model.denoise(x, sigma);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            double median = runs % 2 == 1 ? nanos[runs / 2] : (nanos[runs / 2 - 1] + nanos[runs / 2]) / 2.0;
            costs.put(e.getKey(), Math.max(median, 1) / 1e9 / batch); // a clock tick at least: costs stay positive
        }
        return new ModelCosts(costs, batch, runs, true);
    }

    /** Seconds per image of a model. */
    public double of(String model) {
        Double c = secondsPerImage.get(model);
        if (c == null) {
            throw new IllegalArgumentException("no cost for model '" + model + "' (have " + secondsPerImage.keySet() + ")");
        }
        return c;
    }
}
