package dev.phaseflow.monitoring;

/** Argument checks shared by the recording methods, with messages that name the argument. */
final class Checks {
    private Checks() {
    }

    static double nonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    static int positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
        return value;
    }

    static double fraction(String what, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + value);
        }
        return value;
    }

    /** A weight in (0, 1]. */
    static double weight(String what, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1], got " + value);
        }
        return value;
    }

    static String nonBlank(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
