package dev.phaseflow.pipeline.calibration;

/**
 * The noise levels calibration measures at: {@code points} values spaced evenly in log sigma from
 * {@code min} to {@code max}, both included.
 */
public record SigmaGrid(double min, double max, int points) {
    /** 48 points from 0.002 to 80, the range the zoo's denoisers are trained on. */
    public static final SigmaGrid DEFAULT = new SigmaGrid(0.002, 80, 48);

    public SigmaGrid {
        if (points < 2) {
            throw new IllegalArgumentException("field 'grid.points' must be at least 2, got " + points);
        }
        if (!(min > 0) || !(max > min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("fields 'grid.min' and 'grid.max' need 0 < min < max < infinity, got ["
                    + min + ", " + max + "]");
        }
    }

    public double[] sigmas() {
        double[] s = new double[points];
        double lo = Math.log(min);
        double step = (Math.log(max) - lo) / (points - 1);
        for (int i = 0; i < points; i++) {
            s[i] = Math.exp(lo + i * step);
        }
        s[0] = min; // exact ends, free of exp(log(.)) rounding
        s[points - 1] = max;
        return s;
    }
}
