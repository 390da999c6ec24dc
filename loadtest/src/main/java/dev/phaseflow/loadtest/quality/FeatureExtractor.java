package dev.phaseflow.loadtest.quality;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.linalg.SampleMoments;

/** Maps images to feature vectors and a predicted class: what the quality metrics compare. */
public interface FeatureExtractor {

    /** For reports: which network (or stand-in) produced the features. */
    String name();

    Features extract(ImageBatch images);

    /**
     * @param count      images
     * @param dimension  features per image
     * @param values     count x dimension, row-major
     * @param classes    predicted class of each image
     * @param classCount number of classes
     */
    record Features(int count, int dimension, float[] values, int[] classes, int classCount) {
        public Features {
            if (values.length != (long) count * dimension || classes.length != count) {
                throw new IllegalArgumentException("features of " + count + " images: " + values.length + " values and "
                        + classes.length + " classes do not match dimension " + dimension);
            }
        }

        public SampleMoments stats() {
            return SampleMoments.of(values, count, dimension);
        }
    }
}
