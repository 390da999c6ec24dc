package dev.phaseflow.models.data;

import dev.phaseflow.models.ImageBatch;
import java.util.List;
import java.util.Optional;

/**
 * A data set held in memory: images in [-1, 1] and, when known, a class label per image.
 *
 * @param images  the images
 * @param labels  one label per image, or empty when the data set has none
 * @param classes class names indexed by label (empty when unlabelled)
 * @param source  where it was read from, for reports
 */
public record LabelledImages(ImageBatch images, Optional<int[]> labels, List<String> classes, String source) {

    public LabelledImages {
        if (labels.isPresent() && labels.get().length != images.count()) {
            throw new IllegalArgumentException(source + ": " + labels.get().length + " labels for " + images.count() + " images");
        }
    }

    public int count() {
        return images.count();
    }

    /** The first {@code n} images (all when n exceeds the count). */
    public LabelledImages head(int n) {
        int k = Math.min(n, count());
        return new LabelledImages(images.slice(0, k), labels.map(l -> java.util.Arrays.copyOf(l, k)), classes, source);
    }
}
