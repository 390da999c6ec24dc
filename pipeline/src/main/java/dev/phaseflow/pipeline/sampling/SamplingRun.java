package dev.phaseflow.pipeline.sampling;

import dev.phaseflow.models.ImageBatch;
import java.util.List;
import java.util.Optional;

/**
 * The one sampling loop, as a state machine so the model calls can be made by anyone
 * (a direct loop, or actors batching many runs together):
 * <pre>
 *   while (!run.done()) {
 *       Evaluation e = run.pending();
 *       run.accept(denoiser(e.sigma()).denoise(e.x(), e.sigma()), modelName);
 *   }
 * </pre>
 * A run holds the images of one request (sample ids fix their noise), the step index and the
 * solver's history. Every update is elementwise, so an image's result does not depend on
 * which other images share its run or its model calls.
 */
public final class SamplingRun {
    private final Solver solver;
    private final double[] sigmas;
    private final NoiseSource noise;
    private final long[] sampleIds;
    private ImageBatch x;
    private Step step;
    private int evaluation;
    /** Where the pending evaluation is made: computed once (Heun's predictor is an Euler step), kept in the step too. */
    private Solver.Evaluation pending;
    private ImageBatch previousX0;
    private String previousModel;

    /** A completed step: its index and sigma, the models it called, the first x0 estimate, and the new state. */
    public record StepResult(int index, double sigma, List<String> models, ImageBatch x0, ImageBatch x) {}

    private SamplingRun(Solver solver, double[] sigmas, NoiseSource noise, long[] sampleIds, ImageBatch x) {
        this.solver = solver;
        this.sigmas = sigmas.clone();
        this.noise = noise;
        this.sampleIds = sampleIds.clone();
        this.x = x;
        beginStep();
    }

    /**
     * Starts from pure noise: image j is sigmas[0] times stream 0 of sample {@code sampleIds[j]}.
     *
     * @param sigmas descending noise levels ending in 0 (see Schedules)
     */
    public static SamplingRun start(Solver solver, double[] sigmas, NoiseSource noise, long[] sampleIds,
                                    int channels, int height, int width) {
        if (sigmas.length < 2 || sigmas[sigmas.length - 1] != 0) {
            throw new IllegalArgumentException("a schedule needs at least one step and must end at sigma 0");
        }
        int size = channels * height * width;
        float[] data = new float[sampleIds.length * size];
        float scale = (float) sigmas[0];
        for (int j = 0; j < sampleIds.length; j++) {
            float[] z = noise.gaussian(sampleIds[j], 0, size);
            for (int k = 0; k < size; k++) {
                data[j * size + k] = scale * z[k];
            }
        }
        return new SamplingRun(solver, sigmas, noise, sampleIds,
                new ImageBatch(sampleIds.length, channels, height, width, data));
    }

    /**
     * An independent copy of this run at the start of its current step, to continue it in more than
     * one way (a plan search shares the steps that candidate plans have in common). States are
     * immutable batches, so the copy shares them.
     */
    public SamplingRun fork() {
        if (step == null || evaluation != 0) {
            throw new IllegalStateException("a run forks only at the start of a step");
        }
        SamplingRun copy = new SamplingRun(solver, sigmas, noise, sampleIds, x, previousX0, previousModel);
        copy.beginStep(step.index());
        return copy;
    }

    private SamplingRun(Solver solver, double[] sigmas, NoiseSource noise, long[] sampleIds, ImageBatch x,
                        ImageBatch previousX0, String previousModel) {
        this.solver = solver;
        this.sigmas = sigmas;
        this.noise = noise;
        this.sampleIds = sampleIds;
        this.x = x;
        this.previousX0 = previousX0;
        this.previousModel = previousModel;
    }

    /** The solver's evaluations of step i of this run's schedule. */
    public int evaluations(int stepIndex) {
        return solver.evaluations(sigmas, stepIndex);
    }

    public boolean done() {
        return step == null;
    }

    /** Number of steps of the schedule. */
    public int steps() {
        return sigmas.length - 1;
    }

    /** Index of the step in progress (steps() once done). */
    public int stepIndex() {
        return step == null ? steps() : step.index();
    }

    public double[] sigmas() {
        return sigmas.clone();
    }

    /** The current state; the final images once done. */
    public ImageBatch x() {
        return x;
    }

    public long[] sampleIds() {
        return sampleIds.clone();
    }

    /** The denoiser evaluation the run needs next. */
    public Solver.Evaluation pending() {
        if (step == null) {
            throw new IllegalStateException("the run is done");
        }
        return pending;
    }

    /** Takes the x0 estimate of the pending evaluation, made by {@code model}; returns the step if it completed. */
    public Optional<StepResult> accept(ImageBatch x0, String model) {
        Solver.Evaluation e = pending();
        if (x0.count() != e.x().count() || !x0.sameImageShape(e.x())) {
            throw new IllegalArgumentException("x0 of shape " + x0.shapeString() + " for an evaluation of shape "
                    + e.x().shapeString());
        }
        step.addEstimate(x0, model);
        evaluation++;
        if (evaluation < solver.evaluations(sigmas, step.index())) {
            setPending(solver.point(step, evaluation));
            return Optional.empty();
        }
        Step done = step;
        x = solver.advance(done);
        previousX0 = done.x0(0);
        previousModel = done.model(0);
        StepResult result = new StepResult(done.index(), done.sigma(), done.models(), done.x0(0), x);
        if (done.index() + 1 < steps()) {
            beginStep(done.index() + 1);
        } else {
            step = null;
            pending = null;
        }
        return Optional.of(result);
    }

    private void beginStep() {
        beginStep(0);
    }

    private void beginStep(int index) {
        step = new Step(sigmas, index, x, previousX0, previousModel, this::stepNoise);
        evaluation = 0;
        setPending(new Solver.Evaluation(x, step.sigma()));
    }

    private void setPending(Solver.Evaluation e) {
        pending = e;
        step.addPoint(e);
    }

    /** Stream k + 1 of every sample: the noise a stochastic solver adds at step k. */
    private ImageBatch stepNoise(int stepIndex) {
        int size = x.imageSize();
        float[] data = new float[sampleIds.length * size];
        for (int j = 0; j < sampleIds.length; j++) {
            System.arraycopy(noise.gaussian(sampleIds[j], stepIndex + 1, size), 0, data, j * size, size);
        }
        return Step.like(x, data);
    }
}
