package dev.phaseflow.loadtest.quality;

/**
 * Nearest-training-image distances of a set of images (pixel values in [-1, 1], L2 over all pixels).
 *
 * @param images           images measured
 * @param mean             mean distance
 * @param median           median distance
 * @param min              smallest distance
 * @param nearCopyFraction share of images closer than the threshold to some training image
 * @param threshold        the near-copy threshold
 * @param trainCount       training images searched
 * @param trainSource      where they came from
 */
public record NearestSummary(int images, double mean, double median, double min, double nearCopyFraction, double threshold,
                             int trainCount, String trainSource) {}
