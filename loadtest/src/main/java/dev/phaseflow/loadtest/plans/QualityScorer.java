package dev.phaseflow.loadtest.plans;

import dev.phaseflow.loadtest.quality.FeatureExtractor;
import dev.phaseflow.loadtest.quality.FrechetDistance;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.linalg.SampleMoments;

/** Frechet distance of generated images' features against fixed reference statistics (held-out images). */
public record QualityScorer(FeatureExtractor extractor, SampleMoments reference) {

    public double fd(ImageBatch images) {
        return FrechetDistance.between(extractor.extract(images).stats(), reference).value();
    }
}
