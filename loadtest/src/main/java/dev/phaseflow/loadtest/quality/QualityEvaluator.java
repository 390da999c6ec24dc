package dev.phaseflow.loadtest.quality;

import dev.phaseflow.models.ImageBatch;
import java.util.Optional;

/** Computes the quality figures of generated images against {@link QualityData}. */
public final class QualityEvaluator {
    private final QualityData data;
    private final double nearCopyThreshold;

    /** @param nearCopyThreshold L2 pixel distance under which an image counts as a near-copy of a training image */
    public QualityEvaluator(QualityData data, double nearCopyThreshold) {
        this.data = data;
        this.nearCopyThreshold = nearCopyThreshold;
    }

    public QualityData data() {
        return data;
    }

    public double nearCopyThreshold() {
        return nearCopyThreshold;
    }

    /** Frechet distance, class histogram and nearest-training-image distances of {@code images}. */
    public QualityResult evaluate(String label, ImageBatch images) {
        FeatureExtractor.Features f = data.extractor().extract(images);
        FrechetDistance fd = FrechetDistance.between(f.stats(), data.referenceStats());
        ImageBatch neighbours = data.neighbours();
        NearestTrain search = NearestTrain.search(images, neighbours);
        return new QualityResult(label, images.count(), fd, ClassHistogram.of(f.classes(), f.classCount()),
                search.summary(nearCopyThreshold, neighbours.count(), data.trainSource()), search);
    }

    /**
     * The same figures for real data, to read the generated ones against: the Frechet distance and
     * class histogram of {@code n} training images (the floor that n samples of the true
     * distribution reach), and the nearest-training-image distances of {@code n} held-out images
     * (how close unseen real images come to the training set). Empty without a training split.
     */
    public Optional<QualityResult> realData(int n) {
        if (data.train().isEmpty()) {
            return Optional.empty();
        }
        ImageBatch train = data.train().get();
        ImageBatch sample = train.slice(0, Math.min(n, train.count()));
        FeatureExtractor.Features f = data.extractor().extract(sample);
        ImageBatch heldOut = data.reference().slice(0, Math.min(n, data.reference().count()));
        NearestTrain search = NearestTrain.search(heldOut, train);
        return Optional.of(new QualityResult("real data", sample.count(),
                FrechetDistance.between(f.stats(), data.referenceStats()), ClassHistogram.of(f.classes(), f.classCount()),
                search.summary(nearCopyThreshold, train.count(), data.trainSource()), search));
    }
}
