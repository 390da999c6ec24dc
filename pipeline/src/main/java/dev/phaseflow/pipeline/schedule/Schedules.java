package dev.phaseflow.pipeline.schedule;

import java.util.Locale;

/**
 * Sigma schedules, k-diffusion style: a schedule is a descending array of n sigmas followed by
 * a final 0, so a sampler with n steps walks sigmas[0] -> sigmas[1] -> ... -> sigmas[n] = 0.
 */
public final class Schedules {
    private Schedules() {}

    /** The schedules by id: karras, exponential, vp-cosine, linear-beta. */
    public enum Kind {
        KARRAS, EXPONENTIAL, VP_COSINE, LINEAR_BETA;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Kind parse(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + id + "' (expected karras, exponential, vp-cosine or linear-beta)");
        }
    }

    /** The schedule of the given kind with n steps between sigmaMax and sigmaMin (Karras with rho 7). */
    public static double[] of(Kind kind, int n, double sigmaMin, double sigmaMax) {
        return switch (kind) {
            case KARRAS -> karras(n, sigmaMin, sigmaMax, 7.0);
            case EXPONENTIAL -> exponential(n, sigmaMin, sigmaMax);
            case VP_COSINE -> vpCosine(n, sigmaMin, sigmaMax, 0.008);
            case LINEAR_BETA -> linearBeta(n, sigmaMin, sigmaMax, 0.1, 20.0);
        };
    }

    /** Karras et al. (2022): uniform in sigma^(1/rho). */
    public static double[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
        check(n, sigmaMin, sigmaMax);
        double[] s = new double[n + 1];
        double a = Math.pow(sigmaMax, 1 / rho);
        double b = Math.pow(sigmaMin, 1 / rho);
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 0 : (double) i / (n - 1);
            s[i] = Math.pow(a + ramp * (b - a), rho);
        }
        return s;
    }

    /** Uniform in log sigma. */
    public static double[] exponential(int n, double sigmaMin, double sigmaMax) {
        check(n, sigmaMin, sigmaMax);
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 0 : (double) i / (n - 1);
            s[i] = Math.exp(Math.log(sigmaMax) + ramp * (Math.log(sigmaMin) - Math.log(sigmaMax)));
        }
        return s;
    }

    /**
     * The VE equivalent of uniform time steps of the VP cosine schedule: t uniform between the
     * times of sigmaMax and sigmaMin, sigma(t) = sqrt(1 / ab(t) - 1).
     */
    public static double[] vpCosine(int n, double sigmaMin, double sigmaMax, double s) {
        check(n, sigmaMin, sigmaMax);
        double c0 = Math.cos(s / (1 + s) * Math.PI / 2);
        java.util.function.DoubleUnaryOperator time = sigma ->
                (1 + s) * (2 / Math.PI) * Math.acos(Math.min(1.0, c0 / Math.sqrt(1 + sigma * sigma))) - s;
        java.util.function.DoubleUnaryOperator sigmaOf = t -> {
            double ab = Math.pow(Math.cos((t + s) / (1 + s) * Math.PI / 2) / c0, 2);
            return Math.sqrt(1 / ab - 1);
        };
        return uniformInTime(n, time.applyAsDouble(sigmaMin), time.applyAsDouble(sigmaMax), sigmaOf, sigmaMin, sigmaMax);
    }

    /**
     * The VE equivalent of uniform time steps of DDPM's linear beta schedule (continuous time,
     * ab(t) = exp(-(betaMin t + (betaMax - betaMin) t^2 / 2))).
     */
    public static double[] linearBeta(int n, double sigmaMin, double sigmaMax, double betaMin, double betaMax) {
        check(n, sigmaMin, sigmaMax);
        double half = (betaMax - betaMin) / 2;
        java.util.function.DoubleUnaryOperator time = sigma ->
                (-betaMin + Math.sqrt(betaMin * betaMin + 4 * half * Math.log1p(sigma * sigma))) / (2 * half);
        java.util.function.DoubleUnaryOperator sigmaOf = t -> Math.sqrt(Math.expm1(betaMin * t + half * t * t));
        return uniformInTime(n, time.applyAsDouble(sigmaMin), time.applyAsDouble(sigmaMax), sigmaOf, sigmaMin, sigmaMax);
    }

    private static double[] uniformInTime(int n, double tMin, double tMax, java.util.function.DoubleUnaryOperator sigmaOf,
                                          double sigmaMin, double sigmaMax) {
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 0 : (double) i / (n - 1);
            out[i] = sigmaOf.applyAsDouble(tMax + ramp * (tMin - tMax));
        }
        out[0] = sigmaMax; // exact ends, free of round trips through t
        if (n > 1) {
            out[n - 1] = sigmaMin;
        }
        return out;
    }

    private static void check(int n, double sigmaMin, double sigmaMax) {
        if (n < 1) {
            throw new IllegalArgumentException("a schedule needs at least 1 step, got " + n);
        }
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new IllegalArgumentException("need 0 < sigma_min < sigma_max, got sigma_min " + sigmaMin
                    + ", sigma_max " + sigmaMax);
        }
    }
}
