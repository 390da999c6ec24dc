package dev.phaseflow.monitoring;

import java.util.Arrays;
import java.util.OptionalDouble;

/** The last {@code capacity} values recorded (a ring), for medians in reports. Thread-safe. */
final class RecentValues {
    private final double[] ring;
    private int next;
    private int size;

    RecentValues(int capacity) {
        ring = new double[Checks.positive("capacity", capacity)];
    }

    synchronized void add(double value) {
        ring[next] = value;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The median of the values held (mean of the middle two for an even count); empty if none. */
    OptionalDouble median() {
        double[] values;
        synchronized (this) {
            values = Arrays.copyOf(ring, size);
        }
        if (values.length == 0) {
            return OptionalDouble.empty();
        }
        Arrays.sort(values);
        int mid = values.length / 2;
        return OptionalDouble.of(values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2);
    }
}
