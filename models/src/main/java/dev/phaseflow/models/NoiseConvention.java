package dev.phaseflow.models;

/**
 * How a model was trained to see noise, expressed against the variance-exploding form
 * x = x0 + sigma * eps that the rest of phaseflow speaks. Each convention says what the
 * network's input is (a scale of x) and what its time input is, as functions of sigma.
 */
public sealed interface NoiseConvention {

    /** The network's image input is {@code inputScale(sigma) * x}. */
    double inputScale(double sigma);

    /** The network's time (or noise-level) input for sigma. */
    double time(double sigma);

    /** Manifest id of the convention. */
    String id();

    /** Variance exploding: the network takes x and sigma directly. */
    record Ve() implements NoiseConvention {
        public double inputScale(double sigma) { return 1.0; }
        public double time(double sigma) { return sigma; }
        public String id() { return "ve"; }
    }

    /**
     * VP with the cosine schedule (Nichol and Dhariwal), t in [0, 1]:
     * ab(t) = cos^2(((t + s) / (1 + s)) pi/2) / cos^2((s / (1 + s)) pi/2), and ab = 1 / (1 + sigma^2).
     */
    record VpCosine(double s) implements NoiseConvention {
        public double inputScale(double sigma) { return 1.0 / Math.sqrt(1.0 + sigma * sigma); }

        public double time(double sigma) {
            double c0 = Math.cos(s / (1 + s) * Math.PI / 2);
            double rootAb = 1.0 / Math.sqrt(1.0 + sigma * sigma);
            return (1 + s) * (2 / Math.PI) * Math.acos(Math.min(1.0, rootAb * c0)) - s;
        }

        public String id() { return "vp-cosine"; }
    }

    /**
     * VP with DDPM's linear beta schedule in continuous time t in [0, 1]:
     * ab(t) = exp(-(betaMin t + (betaMax - betaMin) t^2 / 2)).
     */
    record VpLinear(double betaMin, double betaMax) implements NoiseConvention {
        public double inputScale(double sigma) { return 1.0 / Math.sqrt(1.0 + sigma * sigma); }

        public double time(double sigma) {
            double target = Math.log1p(sigma * sigma); // -log ab
            double half = (betaMax - betaMin) / 2;
            if (half == 0) {
                return target / betaMin;
            }
            return (-betaMin + Math.sqrt(betaMin * betaMin + 4 * half * target)) / (2 * half);
        }

        public String id() { return "vp-linear"; }
    }

    /** Rectified flow x_t = (1 - t) x0 + t z, so x_t = x (1 - t) with sigma = t / (1 - t). */
    record RectifiedFlow() implements NoiseConvention {
        public double inputScale(double sigma) { return 1.0 / (1.0 + sigma); }
        public double time(double sigma) { return sigma / (1.0 + sigma); }
        public String id() { return "rectified-flow"; }
    }

    /**
     * The per-sample affine map of one model call: the network sees {@code inputScale * x} at
     * {@code time} and its output o becomes {@code x0 = xWeight * x + outputWeight * o}.
     */
    record Conversion(float inputScale, float time, float xWeight, float outputWeight) {}

    /** The conversion for one sigma, for a model of the given parameterisation. */
    default Conversion conversion(Parameterisation p, double sigma) {
        double scale = inputScale(sigma);
        double xWeight;
        double outWeight;
        switch (p) {
            case EPS -> { xWeight = 1.0; outWeight = -sigma; }
            case X0 -> { xWeight = 0.0; outWeight = 1.0; }
            case V -> {
                // x0 = sqrt(ab) x_vp - sqrt(1 - ab) v with x_vp = x / sqrt(1 + sigma^2)
                xWeight = 1.0 / (1.0 + sigma * sigma);
                outWeight = -sigma / Math.sqrt(1.0 + sigma * sigma);
            }
            case FLOW -> {
                // x0 = x_t - t u with x_t = x (1 - t), t = sigma / (1 + sigma)
                double t = sigma / (1.0 + sigma);
                xWeight = 1.0 - t;
                outWeight = -t;
            }
            default -> throw new IllegalStateException(p.toString());
        }
        return new Conversion((float) scale, (float) time(sigma), (float) xWeight, (float) outWeight);
    }

    /** Whether a model trained this way can predict p; v needs a VP convention, flow rectified flow. */
    default boolean supports(Parameterisation p) {
        return switch (p) {
            case EPS, X0 -> true;
            case V -> this instanceof VpCosine || this instanceof VpLinear;
            case FLOW -> this instanceof RectifiedFlow;
        };
    }
}
