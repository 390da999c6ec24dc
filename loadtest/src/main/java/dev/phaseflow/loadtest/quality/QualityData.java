package dev.phaseflow.loadtest.quality;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.data.Datasets;
import dev.phaseflow.models.data.LabelledImages;
import dev.phaseflow.pipeline.linalg.SampleMoments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What generated images are measured against: the feature statistics of held-out real images
 * (for the Frechet distance) and a training set (for the nearest-training-image distances).
 *
 * @param extractor       features and classes
 * @param reference       held-out real images (the test split)
 * @param referenceSource where they came from
 * @param referenceStats  their feature statistics
 * @param train           training images, or empty when only the held-out images are at hand
 * @param trainSource     where they came from
 * @param notes           fallbacks taken, for the report
 */
public record QualityData(FeatureExtractor extractor, ImageBatch reference, String referenceSource,
                          SampleMoments referenceStats, Optional<ImageBatch> train, String trainSource, List<String> notes) {

    public static QualityData of(FeatureExtractor extractor, ImageBatch reference, String referenceSource,
                                 Optional<ImageBatch> train, String trainSource, List<String> notes) {
        return new QualityData(extractor, reference, referenceSource, extractor.extract(reference).stats(), train,
                trainSource, List.copyOf(notes));
    }

    /**
     * Fashion-MNIST: the test split (Debian's full 10k, else the zoo's shipped subset) as the
     * reference, the 60k training split from Debian's dataset-fashion-mnist when installed.
     */
    public static QualityData fashionMnist(FeatureExtractor extractor, Path zooFolder) throws IOException {
        List<String> notes = new ArrayList<>();
        LabelledImages test = Datasets.fashionMnistTest(zooFolder);
        if (test.count() < 10_000) {
            notes.add("FD reference: only " + test.count() + " test images (" + test.source()
                    + "); install Debian's dataset-fashion-mnist for the full 10,000");
        }
        Optional<ImageBatch> train = Optional.empty();
        String trainSource;
        try {
            // in random order: the real-data row takes a prefix, and a PNG folder comes class by class
            LabelledImages t = Datasets.trainingInRandomOrder(zooFolder);
            train = Optional.of(t.images());
            trainSource = t.source();
        } catch (IOException e) {
            trainSource = test.source() + " (test split; training split not installed)";
            notes.add("nearest-training-image distances use the " + test.count() + " test images instead of the 60,000 "
                    + "training images: Debian's dataset-fashion-mnist is not installed (" + e.getMessage() + ")");
        }
        return of(extractor, test.images(), test.source(), train, trainSource, notes);
    }

    /** The images nearest-neighbour distances are measured to: the training set, else the held-out set. */
    public ImageBatch neighbours() {
        return train.orElse(reference);
    }
}
