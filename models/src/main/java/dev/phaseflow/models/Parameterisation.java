package dev.phaseflow.models;

/** What a denoising network predicts. */
public enum Parameterisation {
    /** The noise: x0 = x - sigma * eps. */
    EPS,
    /** The clean image itself. */
    X0,
    /** VP velocity v = sqrt(ab) eps - sqrt(1 - ab) x0 (VP conventions only). */
    V,
    /** Rectified-flow velocity u = z - x0 (rectified-flow convention only). */
    FLOW;

    public static Parameterisation parse(String id) {
        for (Parameterisation p : values()) {
            if (p.name().equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown parameterisation '" + id + "' (expected eps, x0, v or flow)");
    }
}
