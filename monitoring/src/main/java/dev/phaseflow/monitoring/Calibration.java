package dev.phaseflow.monitoring;

/**
 * The calibrated constants the diagnostics compare live traffic against.
 *
 * @param windowLo            lower edge of the transition window (sigma)
 * @param windowHi            upper edge of the transition window (sigma)
 * @param spectralSpeciation  sigma_s, the spectral speciation time; NaN when not measured
 */
public record Calibration(double windowLo, double windowHi, double spectralSpeciation, double dataVariance) {

    /** Without a measured data variance: Delta then falls back to the batch spread of D_g. */
    public Calibration(double windowLo, double windowHi, double spectralSpeciation) {
        this(windowLo, windowHi, spectralSpeciation, Double.NaN);
    }

    public Calibration {
        if (!Double.isNaN(dataVariance) && !(dataVariance > 0 && Double.isFinite(dataVariance))) {
            throw new IllegalArgumentException("data variance must be finite and > 0 (or NaN), got " + dataVariance);
        }
        if (!(windowLo > 0) || !(windowHi > windowLo) || Double.isInfinite(windowHi)) {
            throw new IllegalArgumentException("need 0 < window_lo < window_hi < infinity, got [" + windowLo + ", "
                    + windowHi + "]");
        }
        if (!Double.isNaN(spectralSpeciation) && !(spectralSpeciation > 0 && !Double.isInfinite(spectralSpeciation))) {
            throw new IllegalArgumentException("spectral speciation sigma must be finite and > 0 (or NaN), got "
                    + spectralSpeciation);
        }
    }

    /** Whether {@code sigma} lies in the window [lo, hi], where only the global model is trusted. */
    public boolean inWindow(double sigma) {
        return sigma >= windowLo && sigma <= windowHi;
    }
}
