package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.data.LabelledImages;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClassPairSpeciationTest {

    @Test
    void mixtureSpeciatesAtASquaredMinusSSquared() {
        // s^2 is a fifth of a^2 here, so a formula that drops or flips s^2 misses by far more than 2%
        TwoGaussianMixture mixture = new TwoGaussianMixture(16, 16, 2.0, 0.8);
        List<ClassPairSpeciation> pairs = ClassPairSpeciation.all(mixture.sample(8000, 5));
        assertEquals(1, pairs.size());
        ClassPairSpeciation p = pairs.get(0);
        double expected = mixture.a() * mixture.a() - mixture.s() * mixture.s();
        assertEquals(expected, p.a() * p.a() - p.s2(), 0.02 * expected);
        assertEquals(mixture.speciationSigma(), p.sigmaC(), 0.01 * mixture.speciationSigma());
        assertEquals(mixture.a(), p.a(), 0.01 * mixture.a());
        assertEquals(mixture.s() * mixture.s(), p.s2(), 0.05 * mixture.s() * mixture.s());
        assertEquals("minus", p.nameA());
        assertEquals("plus", p.nameB());
        assertTrue(p.speciates());
    }

    @Test
    void overlappingClassesNeverSpeciate() {
        TwoGaussianMixture mixture = new TwoGaussianMixture(4, 4, 0.5, 1.0);
        ClassPairSpeciation p = ClassPairSpeciation.all(mixture.sample(4000, 9)).get(0);
        assertTrue(p.a() * p.a() < p.s2());
        assertEquals(0, p.sigmaC());
        assertFalse(p.speciates());
    }

    @Test
    void everyPairOfClassesAndNoneWithoutLabels() {
        // three classes on a line at -1, 0 and +2 (each pixel), two images each with spread +-0.1
        float[][] values = {{-1.1f, -0.9f}, {-0.1f, 0.1f}, {1.9f, 2.1f}};
        int d = 4;
        float[] data = new float[6 * d];
        int[] labels = new int[6];
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 2; k++) {
                labels[2 * c + k] = c;
                java.util.Arrays.fill(data, (2 * c + k) * d, (2 * c + k + 1) * d, values[c][k]);
            }
        }
        ImageBatch images = new ImageBatch(6, 1, 2, 2, data);
        List<ClassPairSpeciation> pairs = ClassPairSpeciation.all(new LabelledImages(images, Optional.of(labels),
                List.of(), "three lines"));
        assertEquals(3, pairs.size());
        ClassPairSpeciation outer = pairs.get(1);
        assertEquals(0, outer.classA());
        assertEquals(2, outer.classB());
        assertEquals("2", outer.nameB(), "unnamed classes are named by label");
        // means -1 and 2 in 4 pixels: distance 3 * sqrt(4) = 6, a = 3; deviations +-0.1 along the
        // diagonal project to +-0.2, pooled over 4 images with denominator 2: s^2 = 4 * 0.04 / 2
        assertEquals(3.0, outer.a(), 1e-6);
        assertEquals(0.08, outer.s2(), 1e-6);
        assertEquals(Math.sqrt(9 - 0.08), outer.sigmaC(), 1e-6);
        assertTrue(ClassPairSpeciation.all(new LabelledImages(images, Optional.empty(), List.of(), "x")).isEmpty());
    }
}
