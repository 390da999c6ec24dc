package dev.phaseflow.loadtest;

import dev.phaseflow.loadtest.quality.FeatureExtractor;
import dev.phaseflow.loadtest.quality.QualityData;
import dev.phaseflow.loadtest.quality.QualityEvaluator;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fast stand-ins for the zoo: a two-Gaussian mixture of 8 x 8 images with its exact denoiser as
 * the global model and a radius-1 patch denoiser as the local one, a plan with the window
 * [1, 8), pixel features, and the mixture's own samples as held-out and training data.
 */
final class Analytic {
    static final TwoGaussianMixture DATA = new TwoGaussianMixture(8, 8, 3.0, 0.3);
    static final double WINDOW_LO = 1.0;
    static final double WINDOW_HI = 8.0;

    private Analytic() {}

    static RouterPlan plan() {
        return new RouterPlan(TwoGaussianMixture.EXACT_NAME, "local-r1", WINDOW_LO, WINDOW_HI,
                List.of(new RouterPlan.Interval(0, WINDOW_LO, "local-r1"),
                        new RouterPlan.Interval(WINDOW_LO, WINDOW_HI, TwoGaussianMixture.EXACT_NAME),
                        new RouterPlan.Interval(WINDOW_HI, Double.POSITIVE_INFINITY, "local-r1")),
                null);
    }

    static ModelSet models() {
        Denoiser exact = DATA.exactDenoiser();
        Denoiser local = DATA.localDenoiser(1);
        return new ModelSet(Map.of(exact.name(), exact, local.name(), local), plan(), 0.01, 40, 1, DATA.height(),
                DATA.width());
    }

    /** Pixel values as features, the mixture mode as the class. */
    static final FeatureExtractor PIXELS = new FeatureExtractor() {
        @Override
        public String name() {
            return "pixels (test stand-in)";
        }

        @Override
        public Features extract(ImageBatch images) {
            int[] classes = new int[images.count()];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = DATA.mode(images.image(i));
            }
            return new Features(images.count(), images.imageSize(), images.data().clone(), classes, 2);
        }
    };

    static QualityEvaluator quality() {
        return new QualityEvaluator(QualityData.of(PIXELS, DATA.sample(200, 1).images(), "mixture held-out",
                Optional.of(DATA.sample(300, 2).images()), "mixture training", List.of()), 0.5);
    }
}
