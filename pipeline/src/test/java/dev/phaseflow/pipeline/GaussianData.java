package dev.phaseflow.pipeline;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gaussian data N(mu, diag(lambda)) on small images, with its exact denoiser
 * D(x; sigma) = mu + lambda / (lambda + sigma^2) (x - mu), and the exact probability-flow ODE
 * solution x(0) = mu + (x_T - mu) sqrt(lambda / (lambda + sigma_max^2)).
 */
public final class GaussianData {
    public final int channels;
    public final int height;
    public final int width;
    final double[] mu;
    final double[] lambda;

    public GaussianData(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        int d = channels * height * width;
        mu = new double[d];
        lambda = new double[d];
        for (int i = 0; i < d; i++) {
            mu[i] = 0.5 * Math.sin(0.7 * i);
            lambda[i] = 0.05 + 0.5 * (1 + Math.cos(1.3 * i)) / 2;
        }
    }

    /** The exact denoiser under a name and role; counts its calls. */
    public Counting denoiser(String name, ModelRole role) {
        return new Counting(name, role);
    }

    public final class Counting implements Denoiser {
        private final String name;
        private final ModelRole role;
        public final AtomicInteger calls = new AtomicInteger();
        public final AtomicInteger images = new AtomicInteger();

        Counting(String name, ModelRole role) {
            this.name = name;
            this.role = role;
        }

        public String name() { return name; }
        public ModelRole role() { return role; }

        public ImageBatch denoise(ImageBatch x, double[] sigma) {
            calls.incrementAndGet();
            images.addAndGet(x.count());
            int d = x.imageSize();
            float[] out = new float[x.data().length];
            for (int n = 0; n < x.count(); n++) {
                double s2 = sigma[n] * sigma[n];
                for (int i = 0; i < d; i++) {
                    out[n * d + i] = (float) (mu[i] + lambda[i] / (lambda[i] + s2) * (x.data()[n * d + i] - mu[i]));
                }
            }
            return new ImageBatch(x.count(), x.channels(), x.height(), x.width(), out);
        }
    }

    /**
     * What an exact solver returns: the ODE solution from sigmaMax down to sigmaMin, denoised there
     * (the last step of every solver, from sigma_min to 0, returns D(x; sigma_min)).
     */
    public double[] exactOdeEndAt(float[] xT, double sigmaMax, double sigmaMin) {
        double[] out = new double[xT.length];
        int d = mu.length;
        double m2 = sigmaMin * sigmaMin;
        for (int k = 0; k < xT.length; k++) {
            int i = k % d;
            double atMin = (xT[k] - mu[i]) * Math.sqrt((lambda[i] + m2) / (lambda[i] + sigmaMax * sigmaMax));
            out[k] = mu[i] + lambda[i] / (lambda[i] + m2) * atMin;
        }
        return out;
    }
}
