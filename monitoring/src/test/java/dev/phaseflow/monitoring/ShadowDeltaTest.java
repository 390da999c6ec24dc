package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShadowDeltaTest {
    @Test
    void batchUsesThePerPixelMeanOverImages() {
        // two images of two pixels: per-pixel means (2, 4), spread 1+1+1+1 = 4
        float[] global = {1, 3, 3, 5};
        float[] local = {2, 3, 3, 5};
        assertEquals(0.25, ShadowDelta.compute(global, local, 2, 2));
        float[] worse = {1, 3, 3, 7};
        assertEquals(1.0, ShadowDelta.compute(global, worse, 2, 2));
    }

    @Test
    void perPixelMeanIsNotTheGlobalMean() {
        // both images equal: no spread across images, although each image has contrast
        float[] global = {0, 10, 0, 10};
        float[] local = {0, 10, 0, 11};
        assertTrue(Double.isNaN(ShadowDelta.compute(global, local, 2, 2)));
    }

    @Test
    void singleImageUsesItsOwnPixelMean() {
        // mean 2.5, spread 2.25+0.25+0.25+2.25 = 5; disagreement 1
        float[] global = {1, 2, 3, 4};
        float[] local = {1, 2, 3, 5};
        assertEquals(0.2, ShadowDelta.compute(global, local, 1, 4));
    }

    @Test
    void agreementIsZero() {
        float[] x = {0.5f, -0.25f, 1, 0};
        assertEquals(0.0, ShadowDelta.compute(x, x.clone(), 2, 2));
    }

    @Test
    void flatSingleImageIsUndefined() {
        assertTrue(Double.isNaN(ShadowDelta.compute(new float[] {3, 3}, new float[] {3, 4}, 1, 2)));
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> ShadowDelta.compute(new float[4], new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> ShadowDelta.compute(new float[4], new float[4], 1, 2));
        assertThrows(IllegalArgumentException.class, () -> ShadowDelta.compute(null, new float[4], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> ShadowDelta.compute(new float[0], new float[0], 0, 2));
    }

    @Test
    void normalisedByTheDataVarianceWhenKnown() {
        float[] global = {1, 2, 3, 4};
        float[] local = {1, 2, 3, 6};
        // mean squared difference 4 / 4 = 1, over a data variance of 0.5
        assertEquals(2.0, ShadowDelta.compute(global, local, 2, 2, 0.5));
        assertEquals(ShadowDelta.compute(global, local, 2, 2), ShadowDelta.compute(global, local, 2, 2, Double.NaN));
    }
}
