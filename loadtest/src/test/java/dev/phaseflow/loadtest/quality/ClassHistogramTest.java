package dev.phaseflow.loadtest.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    @Test
    void uniformClassesAreAtDistanceZeroWithMaximalEntropy() {
        int[] classes = new int[50];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = i % 10;
        }
        ClassHistogram h = ClassHistogram.of(classes, 10);
        assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, h.counts());
        assertEquals(0, h.totalVariationToUniform(), 1e-15);
        assertEquals(0, h.chiSquareToUniform(), 1e-12);
        assertEquals(Math.log(10) / Math.log(2), h.entropyBits(), 1e-12);
    }

    @Test
    void oneClassOnlyIsTheWorstCase() {
        ClassHistogram h = ClassHistogram.of(new int[] {3, 3, 3, 3}, 4);
        assertEquals(0.75, h.totalVariationToUniform(), 1e-15); // 1 - 1/K
        assertEquals(4 * 3, h.chiSquareToUniform(), 1e-12);     // N (K - 1)
        assertEquals(0, h.entropyBits(), 1e-15);
        assertEquals(2, h.maxEntropyBits(), 1e-15);
    }

    @Test
    void twoClassesHalfAndHalfOfFour() {
        ClassHistogram h = ClassHistogram.of(new int[] {0, 1, 0, 1}, 4);
        assertEquals(0.5, h.totalVariationToUniform(), 1e-15);
        assertEquals(1, h.entropyBits(), 1e-15);
    }

    @Test
    void rejectsClassesOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassHistogram.of(new int[] {10}, 10));
        assertEquals("class 10 is outside [0, 10)", e.getMessage());
    }
}
