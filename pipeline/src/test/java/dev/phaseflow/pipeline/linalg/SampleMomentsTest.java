package dev.phaseflow.pipeline.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mean and covariance against hand values and a plain two-pass formula; constant components (skipped rows) included. */
class SampleMomentsTest {

    @Test
    void threeVectorsByHand() {
        // (1, 2), (3, 2), (5, 8): mean (3, 4); deviations (-2,-2), (0,-2), (2,4)
        SampleMoments m = SampleMoments.of(new float[] {1, 2, 3, 2, 5, 8}, 3, 2);
        assertArrayEquals(new double[] {3, 4}, m.mean(), 0);
        assertArrayEquals(new double[] {4, 6}, m.covariance()[0], 0); // (4+0+4)/2, (4+0+8)/2
        assertArrayEquals(new double[] {6, 12}, m.covariance()[1], 0); // (4+4+16)/2
        assertEquals(16, m.trace(), 0);
        assertEquals(2, m.dimension());
    }

    @Test
    void equalsTheTwoPassFormulaBitForBitWithConstantComponents() {
        int n = 57;
        int d = 9;
        Random rnd = new Random(3);
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                v[i * d + k] = k % 4 == 0 ? -1f : (float) rnd.nextGaussian(); // components 0, 4, 8 are constant
            }
        }
        SampleMoments m = SampleMoments.of(v, n, d);
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (v[i * d + a] - m.mean()[a]) * (v[i * d + b] - m.mean()[b]);
                }
                assertEquals(s / (n - 1), m.covariance()[a][b], 0, "entry " + a + "," + b);
            }
        }
        assertEquals(0, m.covariance()[4][4], 0);
        assertTrue(m.covariance()[1][1] > 0.5);
    }

    @Test
    void tooFewOrMisshapenVectorsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SampleMoments.of(new float[3], 1, 3))
                .getMessage().contains("at least 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SampleMoments.of(new float[5], 2, 3))
                .getMessage().contains("5 values are not 2 vectors of dimension 3"));
    }
}
