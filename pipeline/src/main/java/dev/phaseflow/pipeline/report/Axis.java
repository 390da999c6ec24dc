package dev.phaseflow.pipeline.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** A linear or logarithmic axis over [lo, hi]: maps values to [0, 1] and picks readable ticks. */
final class Axis {
    private final double lo;
    private final double hi;
    private final boolean log;

    Axis(double lo, double hi, boolean log) {
        if (log && !(lo > 0)) {
            throw new IllegalArgumentException("a log axis needs positive bounds, got [" + lo + ", " + hi + "]");
        }
        if (!(hi > lo)) {
            throw new IllegalArgumentException("axis needs lo < hi, got [" + lo + ", " + hi + "]");
        }
        this.lo = lo;
        this.hi = hi;
        this.log = log;
    }

    /**
     * The axis over the finite values of {@code range} (positive ones on a log axis), padded a
     * little so that lines do not run along the frame; a default range when there are none.
     */
    static Axis fit(double min, double max, boolean log, double padding) {
        if (!(min <= max)) { // no values
            return log ? new Axis(1, 10, true) : new Axis(0, 1, false);
        }
        if (log) {
            double a = Math.log10(min);
            double b = Math.log10(max);
            if (b - a < 1e-9) {
                a -= 0.5;
                b += 0.5;
            }
            double pad = (b - a) * padding;
            return new Axis(Math.pow(10, a - pad), Math.pow(10, b + pad), true);
        }
        if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
            return new Axis(min - 1, max + 1, false);
        }
        double pad = (max - min) * padding;
        return new Axis(min - pad, max + pad, false);
    }

    boolean log() {
        return log;
    }

    double lo() {
        return lo;
    }

    double hi() {
        return hi;
    }

    /** Whether a value can be drawn on this axis (finite, and positive on a log axis). */
    boolean drawable(double v) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** 0 at lo, 1 at hi (outside for values beyond the range). */
    double unit(double v) {
        return log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
    }

    /** Tick values inside the range: 1-2-5 steps on linear axes, decades (with 2 and 5 when few) on log axes. */
    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        if (log) {
            int first = (int) Math.floor(Math.log10(lo));
            int last = (int) Math.ceil(Math.log10(hi));
            double decades = Math.log10(hi / lo);
            int every = Math.max(1, (int) Math.ceil(decades / 8));
            double[] multiples = decades <= 2 ? new double[] {1, 2, 5} : new double[] {1};
            for (int e = first; e <= last; e += every) {
                for (double m : multiples) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                        out.add(v);
                    }
                }
            }
            return out;
        }
        double step = niceStep((hi - lo) / 5);
        for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return out;
    }

    /** A tick label: plain decimals for moderate values, 1e-3 style for very small or large ones. */
    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            int e = (int) Math.floor(Math.log10(a));
            double m = v / Math.pow(10, e);
            String mantissa = BigDecimal.valueOf(Math.round(m * 100) / 100.0).stripTrailingZeros().toPlainString();
            return (mantissa.equals("1") ? "1" : mantissa.equals("-1") ? "-1" : mantissa) + "e" + e;
        }
        return BigDecimal.valueOf(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / magnitude;
        double nice = r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10; // the nearest of 1, 2, 5, 10: 4 to 7 ticks
        return nice * magnitude;
    }
}
