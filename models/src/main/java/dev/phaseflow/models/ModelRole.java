package dev.phaseflow.models;

/** What a model of the zoo is for; the route of a sampling step follows from it. */
public enum ModelRole {
    /** Sees the whole image; needed inside the transition window. */
    GLOBAL,
    /** Sees a small neighbourhood (its receptive radius) and its absolute position; tiles exactly. */
    LOCAL,
    /** Image classifier for quality metrics and class-commitment diagnostics. */
    CLASSIFIER;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
