package dev.phaseflow.monitoring;

/**
 * The mean shadow Delta of one sigma bucket since start.
 *
 * @param index      bucket index, ascending sigma
 * @param lowerEdge  exclusive lower sigma edge
 * @param upperEdge  inclusive upper sigma edge
 * @param label      the {@code sigma_bucket} label
 * @param count      shadowed steps in the bucket
 * @param meanDelta  their mean Delta
 */
public record SigmaBucketMean(int index, double lowerEdge, double upperEdge, String label, long count,
                              double meanDelta) {
}
