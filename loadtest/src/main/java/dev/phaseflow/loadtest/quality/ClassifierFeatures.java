package dev.phaseflow.loadtest.quality;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ImageClassifier;

/** The zoo classifier's 128 penultimate activations as features, its argmax as the class. */
public final class ClassifierFeatures implements FeatureExtractor {
    private final ImageClassifier classifier;

    public ClassifierFeatures(ImageClassifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public String name() {
        return "zoo classifier '" + classifier.manifest().name() + "' (penultimate features)";
    }

    @Override
    public Features extract(ImageBatch images) {
        ImageClassifier.Output out = classifier.classify(images);
        return new Features(out.count(), out.dimension(), out.features(), out.predicted(), out.classes());
    }
}
