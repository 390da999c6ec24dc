package dev.phaseflow.loadtest;

import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of a set of durations, in milliseconds, from an HdrHistogram at microsecond
 * resolution with 3 significant digits (values are exact to 0.1%). NaN when there are no values.
 */
public record LatencySummary(long count, double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    public static final LatencySummary EMPTY = new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN);

    /** The durations {@code nanos} gives for each item; negative values (no measurement) are left out. */
    public static <T> LatencySummary of(Iterable<T> items, ToLongFunction<T> nanos) {
        Histogram h = new Histogram(3); // auto-resizing: no upper bound to guess
        for (T item : items) {
            long v = nanos.applyAsLong(item);
            if (v >= 0) {
                h.recordValue(Math.round(v / 1e3));
            }
        }
        return of(h);
    }

    public static LatencySummary of(Histogram microseconds) {
        if (microseconds.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(microseconds.getTotalCount(), microseconds.getMean() / 1e3,
                ms(microseconds, 50), ms(microseconds, 90), ms(microseconds, 99), microseconds.getMaxValue() / 1e3);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }
}
