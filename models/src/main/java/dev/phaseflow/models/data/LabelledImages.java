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

    /**
     * The same images in a seeded random order (Fisher-Yates on java.util.Random), for a prefix that
     * must not be a few classes only: PNG folders are read class folder by class folder.
     */
    public LabelledImages shuffled(long seed) {
        int[] order = new int[count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Random random = new java.util.Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Optional<int[]> reordered = labels.map(l -> {
            int[] r = new int[l.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = l[order[i]];
            }
            return r;
        });
        return new LabelledImages(images.select(order), reordered, classes, source + " (shuffled, seed " + seed + ")");
    }
}
