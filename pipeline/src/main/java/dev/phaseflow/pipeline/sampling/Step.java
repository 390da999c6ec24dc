package dev.phaseflow.pipeline.sampling;

import dev.phaseflow.models.ImageBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One step of a sampling run as a solver sees it: the state x at sigmas[index], the points at
 * which the step's evaluations are made (each computed once, by the run, when it becomes
 * pending), the x0 estimates made so far, and the previous step's first x0 estimate (multistep
 * solvers) with the model that made it. Created by {@link SamplingRun}; solvers in any package
 * read it through the public accessors and build states with the public arithmetic below.
 */
public final class Step {
    private final double[] sigmas;
    private final int index;
    private final ImageBatch x;
    private final List<Solver.Evaluation> points = new ArrayList<>(2);
    private final List<ImageBatch> x0 = new ArrayList<>(2);
    private final List<String> models = new ArrayList<>(2);
    private final ImageBatch previousX0;
    private final String previousModel;
    private final NoiseSupplier noise;

    /** Gaussian noise for this step's stochastic update, one image per sample of the run. */
    @FunctionalInterface
    interface NoiseSupplier {
        ImageBatch noise(int stepIndex);
    }

    Step(double[] sigmas, int index, ImageBatch x, ImageBatch previousX0, String previousModel, NoiseSupplier noise) {
        this.sigmas = sigmas;
        this.index = index;
        this.x = x;
        this.previousX0 = previousX0;
        this.previousModel = previousModel;
        this.noise = noise;
    }

    /** The step's index in the schedule. */
    public int index() {
        return index;
    }

    public double sigma() {
        return sigmas[index];
    }

    public double nextSigma() {
        return sigmas[index + 1];
    }

    /** The sigma of the previous step, for multistep solvers (index() > 0). */
    public double previousSigma() {
        return sigmas[index - 1];
    }

    public ImageBatch x() {
        return x;
    }

    /** Where evaluation k of this step is made (0: x at sigma; later ones as the solver's point said). */
    public Solver.Evaluation evaluation(int k) {
        return points.get(k);
    }

    /** x0 of evaluation k of this step. */
    public ImageBatch x0(int k) {
        return x0.get(k);
    }

    public String model(int k) {
        return models.get(k);
    }

    /** The previous step's first x0 estimate; empty on the first step. */
    public Optional<ImageBatch> previousX0() {
        return Optional.ofNullable(previousX0);
    }

    /** The model of the previous step's first evaluation; empty on the first step. */
    public Optional<String> previousModel() {
        return Optional.ofNullable(previousModel);
    }

    /** Whether the previous step's first evaluation came from the same model as this step's (multistep history is valid). */
    public boolean historyFromSameModel() {
        return previousX0 != null && previousModel.equals(models.get(0));
    }

    /** The Gaussian noise of this step, one image per sample (fixed by the sample ids, seed and step index). */
    public ImageBatch noise() {
        return noise.noise(index);
    }

    /** The run records where the next evaluation is made, once, when it becomes pending. */
    void addPoint(Solver.Evaluation point) {
        points.add(point);
    }

    /** The run records the x0 estimate of the pending evaluation. */
    void addEstimate(ImageBatch estimate, String model) {
        x0.add(estimate);
        models.add(model);
    }

    List<String> models() {
        return List.copyOf(models);
    }

    // ---- elementwise arithmetic shared by the solvers (float, the same ops on every engine) ----

    /** x + c (x - x0): Euler-type update along d = (x - x0) / sigma with c = dt / sigma. */
    public static ImageBatch alongDirection(ImageBatch x, ImageBatch x0, double c) {
        float cf = (float) c;
        float[] a = x.data();
        float[] b = x0.data();
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + cf * (a[i] - b[i]);
        }
        return like(x, out);
    }

    /** p x + q y. */
    public static ImageBatch combine(double p, ImageBatch x, double q, ImageBatch y) {
        float pf = (float) p;
        float qf = (float) q;
        float[] a = x.data();
        float[] b = y.data();
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = pf * a[i] + qf * b[i];
        }
        return like(x, out);
    }

    /** x + c noise. */
    public static ImageBatch addScaled(ImageBatch x, double c, ImageBatch noise) {
        return combine(1.0, x, c, noise);
    }

    /** A batch of {@code shape}'s shape holding {@code data}. */
    public static ImageBatch like(ImageBatch shape, float[] data) {
        return new ImageBatch(shape.count(), shape.channels(), shape.height(), shape.width(), data);
    }
}
