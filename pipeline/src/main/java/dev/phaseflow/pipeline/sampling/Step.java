package dev.phaseflow.pipeline.sampling;

import dev.phaseflow.models.ImageBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a sampling run as a solver sees it: the state x at sigmas[index], the model
 * evaluations made so far in this step, and the previous step's first x0 estimate (multistep
 * solvers) with the model that made it.
 */
public final class Step {
    final double[] sigmas;
    final int index;
    final ImageBatch x;
    final List<ImageBatch> x0 = new ArrayList<>(2);
    final List<String> models = new ArrayList<>(2);
    final ImageBatch previousX0;
    final String previousModel;
    final NoiseSupplier noise;

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

    public double sigma() {
        return sigmas[index];
    }

    public double nextSigma() {
        return sigmas[index + 1];
    }

    /** The sigma of the previous step, for multistep solvers. */
    double previousSigma() {
        return sigmas[index - 1];
    }

    public ImageBatch x() {
        return x;
    }

    /** x0 of evaluation k of this step. */
    public ImageBatch x0(int k) {
        return x0.get(k);
    }

    public String model(int k) {
        return models.get(k);
    }

    /** Whether the previous step's first evaluation came from the same model as this step's (multistep history is valid). */
    boolean historyFromSameModel() {
        return previousX0 != null && previousModel.equals(models.get(0));
    }

    // ---- elementwise arithmetic shared by the solvers (float, the same ops on every engine) ----

    /** x + c (x - x0): Euler-type update along d = (x - x0) / sigma with c = dt / sigma. */
    static ImageBatch alongDirection(ImageBatch x, ImageBatch x0, double c) {
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
    static ImageBatch combine(double p, ImageBatch x, double q, ImageBatch y) {
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
    static ImageBatch addScaled(ImageBatch x, double c, ImageBatch noise) {
        return combine(1.0, x, c, noise);
    }

    static ImageBatch like(ImageBatch shape, float[] data) {
        return new ImageBatch(shape.count(), shape.channels(), shape.height(), shape.width(), data);
    }
}
