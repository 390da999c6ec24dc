package dev.phaseflow.pipeline;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.data.LabelledImages;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Test fixture: a symmetric two-Gaussian mixture of 1 x H x W images whose denoisers and
 * speciation are known in closed form, for testing calibration and samplers without trained models.
 *
 * <p>The data: {@code x0 = +-a u + s z}, z standard normal in every pixel, both modes with weight
 * 1/2, where u is a fixed smooth unit vector spread over every pixel (a centred bump on a
 * constant floor). Along u the mixture is N(+-a, s^2); in every direction the within-mode
 * variance is s^2 (class covariance s^2 I). Noised in VE form, x = x0 + sigma eps, v = s^2 + sigma^2.
 *
 * <ul>
 * <li>{@link #exactDenoiser()}: the posterior mean E[x0 | x] (role {@link ModelRole#GLOBAL}):
 *     the weight of mode + is sigmoid(2 a (u.x) / v), E[x0 | x, mode m] = m + s^2/v (x - m), so
 *     {@code D(x) = s^2/v x + (1 - s^2/v) a u tanh(a (u.x) / v)}.</li>
 * <li>{@link #localDenoiser(int)}: per pixel i, the posterior mean of pixel i given only the pixels
 *     P_i within Chebyshev radius r of it (the mixture restricted to that patch, modes +-a u_P):
 *     {@code D_i(x) = s^2/v x_i + (1 - s^2/v) a u_i tanh(a (u_P.x_P) / v)} (role {@link ModelRole#LOCAL}).</li>
 * <li>{@link #speciationSigma()}: the modes separate below sigma_c = sqrt(a^2 - s^2) (two-class speciation).
 *     {@link #localSpeciationSigma(int)}: the best-informed patch separates them only below
 *     sqrt(a^2 |u_P|^2 - s^2), so between the two the exact and the local denoiser disagree most.</li>
 * </ul>
 *
 * Labels of {@link #sample} are the modes: {@link #MINUS} (mean -a u) and {@link #PLUS} (mean +a u).
 */
public final class TwoGaussianMixture {
    public static final int MINUS = 0;
    public static final int PLUS = 1;
    public static final String EXACT_NAME = "exact";

    private final int height;
    private final int width;
    private final double a;
    private final double s;
    private final double[] u;

    /**
     * @param a half the distance between the modes (along u)
     * @param s within-mode standard deviation, per pixel and along every direction
     */
    public TwoGaussianMixture(int height, int width, double a, double s) {
        if (height < 1 || width < 1 || !(a > 0) || !(s > 0)) {
            throw new IllegalArgumentException("need height, width >= 1 and a, s > 0, got " + height + "x" + width
                    + ", a " + a + ", s " + s);
        }
        this.height = height;
        this.width = width;
        this.a = a;
        this.s = s;
        this.u = new double[height * width];
        double norm = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double bump = Math.sin(Math.PI * (y + 0.5) / height) * Math.sin(Math.PI * (x + 0.5) / width);
                u[y * width + x] = 0.5 + bump;
                norm += u[y * width + x] * u[y * width + x];
            }
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < u.length; i++) {
            u[i] /= norm;
        }
    }

    /** 16 x 16 images, a = 3, s = 0.3: sigma_c ~ 2.985, pixel values mostly within [-1, 1]. */
    public static TwoGaussianMixture standard() {
        return new TwoGaussianMixture(16, 16, 3.0, 0.3);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** d = H * W. */
    public int dimension() {
        return u.length;
    }

    public double a() {
        return a;
    }

    public double s() {
        return s;
    }

    /** The unit vector u of the modes (a copy). */
    public double[] direction() {
        return u.clone();
    }

    /** sigma_c = sqrt(a^2 - s^2); 0 when the modes overlap (s >= a). */
    public double speciationSigma() {
        return Math.sqrt(Math.max(0, a * a - s * s));
    }

    /** Below this the best-informed radius-r patch separates the modes: sqrt(a^2 max_i |u_P_i|^2 - s^2), or 0. */
    public double localSpeciationSigma(int radius) {
        double best = 0;
        for (int i = 0; i < u.length; i++) {
            best = Math.max(best, patchWeight(i, radius));
        }
        return Math.sqrt(Math.max(0, a * a * best - s * s));
    }

    /** |u_P|^2 for the patch of Chebyshev radius r around pixel i: the share of u the patch sees. */
    public double patchWeight(int pixel, int radius) {
        int py = pixel / width;
        int px = pixel % width;
        double w = 0;
        for (int y = Math.max(0, py - radius); y <= Math.min(height - 1, py + radius); y++) {
            for (int x = Math.max(0, px - radius); x <= Math.min(width - 1, px + radius); x++) {
                w += u[y * width + x] * u[y * width + x];
            }
        }
        return w;
    }

    /** The mode an image is closer to: {@link #PLUS} when u.x > 0. */
    public int mode(float[] image) {
        double t = 0;
        for (int i = 0; i < u.length; i++) {
            t += u[i] * image[i];
        }
        return t > 0 ? PLUS : MINUS;
    }

    /** n clean images, each from a mode drawn with probability 1/2; labels are the modes. */
    public LabelledImages sample(int n, long seed) {
        Random rng = new Random(seed);
        int d = u.length;
        float[] data = new float[n * d];
        int[] labels = new int[n];
        for (int img = 0; img < n; img++) {
            labels[img] = rng.nextBoolean() ? PLUS : MINUS;
            double sign = labels[img] == PLUS ? 1 : -1;
            for (int i = 0; i < d; i++) {
                data[img * d + i] = (float) (sign * a * u[i] + s * rng.nextGaussian());
            }
        }
        return new LabelledImages(new ImageBatch(n, 1, height, width, data), Optional.of(labels),
                List.of("minus", "plus"), "two-gaussian-mixture(" + height + "x" + width + ", a=" + a + ", s=" + s + ")");
    }

    /** The exact posterior mean, named {@value #EXACT_NAME}, role global. */
    public Denoiser exactDenoiser() {
        return new MixtureDenoiser(EXACT_NAME, ModelRole.GLOBAL, -1);
    }

    /** The posterior mean of each pixel given its radius-r patch, named "local-r" + radius, role local. */
    public Denoiser localDenoiser(int radius) {
        if (radius < 0) {
            throw new IllegalArgumentException("radius must be >= 0, got " + radius);
        }
        return new MixtureDenoiser("local-r" + radius, ModelRole.LOCAL, radius);
    }

    /** radius < 0: the whole image (exact); else the patch of that radius around each pixel. */
    private final class MixtureDenoiser implements Denoiser {
        private final String name;
        private final ModelRole role;
        private final int radius;

        MixtureDenoiser(String name, ModelRole role, int radius) {
            this.name = name;
            this.role = role;
            this.radius = radius;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ModelRole role() {
            return role;
        }

        @Override
        public ImageBatch denoise(ImageBatch x, double[] sigma) {
            if (x.channels() != 1 || x.height() != height || x.width() != width) {
                throw new IllegalArgumentException(name + ": takes 1x" + height + "x" + width + " images, got "
                        + x.shapeString());
            }
            if (sigma.length != x.count()) {
                throw new IllegalArgumentException(name + ": " + sigma.length + " sigmas for " + x.count() + " images");
            }
            int d = u.length;
            float[] in = x.data();
            float[] out = new float[in.length];
            double[] ux = new double[d];
            for (int img = 0; img < x.count(); img++) {
                int o = img * d;
                double v = s * s + sigma[img] * sigma[img];
                double shrink = s * s / v;
                double global = 0;
                for (int i = 0; i < d; i++) {
                    ux[i] = u[i] * in[o + i];
                    global += ux[i];
                }
                for (int i = 0; i < d; i++) {
                    double t = radius < 0 ? global : patchSum(ux, i);
                    out[o + i] = (float) (shrink * in[o + i] + (1 - shrink) * a * u[i] * Math.tanh(a * t / v));
                }
            }
            return new ImageBatch(x.count(), 1, height, width, out);
        }

        private double patchSum(double[] values, int pixel) {
            int py = pixel / width;
            int px = pixel % width;
            double t = 0;
            for (int y = Math.max(0, py - radius); y <= Math.min(height - 1, py + radius); y++) {
                for (int xx = Math.max(0, px - radius); xx <= Math.min(width - 1, px + radius); xx++) {
                    t += values[y * width + xx];
                }
            }
            return t;
        }
    }
}
