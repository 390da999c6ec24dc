package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.phaseflow.models.ImageBatch;
import org.junit.jupiter.api.Test;

class DataStatisticsTest {

    /**
     * Images m + z1 sqrt(l1) e1 + z2 sqrt(l2) e2 over the four sign patterns z in {-1, +1}^2, each
     * repeated: the sample covariance is exactly n/(n-1) (l1 e1 e1^T + l2 e2 e2^T), so its top
     * eigenvalue is n/(n-1) l1 (e1, e2 orthonormal, l1 > l2).
     */
    @Test
    void meanCovarianceAndTopEigenvalueOfABalancedDesign() {
        int h = 4;
        int w = 5;
        int d = h * w;
        double l1 = 2.25;
        double l2 = 0.64;
        double[] e1 = new double[d];
        double[] e2 = new double[d];
        double[] m = new double[d];
        for (int i = 0; i < d; i++) {
            e1[i] = 1 / Math.sqrt(d); // constant
            e2[i] = (i % 2 == 0 ? 1 : -1) / Math.sqrt(d); // alternating: orthogonal to e1 (d even)
            m[i] = 0.1 * i - 0.5;
        }
        int repeats = 3;
        int n = 4 * repeats;
        float[] data = new float[n * d];
        for (int img = 0; img < n; img++) {
            int z1 = (img & 1) == 0 ? 1 : -1;
            int z2 = (img & 2) == 0 ? 1 : -1;
            for (int i = 0; i < d; i++) {
                data[img * d + i] = (float) (m[i] + z1 * Math.sqrt(l1) * e1[i] + z2 * Math.sqrt(l2) * e2[i]);
            }
        }
        DataStatistics stats = DataStatistics.of(new ImageBatch(n, 1, h, w, data));
        double bessel = n / (n - 1.0);
        for (int i = 0; i < d; i++) {
            assertEquals(m[i], stats.mean()[i], 1e-6, "mean " + i);
            for (int j = 0; j < d; j++) {
                double expected = bessel * (l1 * e1[i] * e1[j] + l2 * e2[i] * e2[j]);
                assertEquals(expected, stats.covariance()[i][j], 1e-6, "covariance " + i + "," + j);
            }
        }
        assertEquals(bessel * l1, stats.topEigenvalue(), 1e-5);
        assertEquals(Math.sqrt(bessel * l1), stats.spectralSigma(), 1e-5);
        assertEquals(bessel * (l1 + l2), stats.totalVariance(), 1e-5);
        assertEquals(d, stats.dimension());
        double overlap = 0;
        for (int i = 0; i < d; i++) {
            overlap += stats.topEigenvector()[i] * e1[i];
        }
        assertEquals(1, Math.abs(overlap), 1e-6, "top eigenvector is e1");
    }

    @Test
    void needsTwoImages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataStatistics.of(ImageBatch.zeros(1, 1, 2, 2)));
        assertEquals("data statistics need at least 2 images, got 1", e.getMessage());
    }
}
