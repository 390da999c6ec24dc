package dev.phaseflow.loadtest.quality;

/**
 * Quality figures of one set of images.
 *
 * @param label    the mode, or the real-data reference
 * @param images   images measured
 * @param frechet  Frechet distance of their features to the held-out features
 * @param classes  classifier argmax histogram
 * @param nearest  nearest-training-image distances
 * @param search   the nearest-neighbour search itself (for the closest-pairs picture; not serialised)
 */
public record QualityResult(String label, int images, FrechetDistance frechet, ClassHistogram classes,
                            NearestSummary nearest, NearestTrain search) {}
