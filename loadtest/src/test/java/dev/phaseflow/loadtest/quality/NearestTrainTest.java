package dev.phaseflow.loadtest.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NearestTrainTest {

    @Test
    void findsTheSameNeighboursAsBruteForce() {
        Random rnd = new Random(7);
        ImageBatch train = random(300, rnd);
        ImageBatch queries = random(40, rnd);
        // two exact copies and a slightly perturbed one
        float[] q = queries.data();
        int size = queries.imageSize();
        System.arraycopy(train.data(), 17 * size, q, 0, size);
        System.arraycopy(train.data(), 250 * size, q, size, size);
        System.arraycopy(train.data(), 99 * size, q, 2 * size, size);
        q[2 * size + 3] += 0.05f;

        NearestTrain found = NearestTrain.search(queries, train);
        for (int k = 0; k < queries.count(); k++) {
            double best = Double.POSITIVE_INFINITY;
            int bestIndex = -1;
            for (int t = 0; t < train.count(); t++) {
                double s = 0;
                for (int i = 0; i < size; i++) {
                    double d = q[k * size + i] - train.data()[t * size + i];
                    s += d * d;
                }
                if (s < best) {
                    best = s;
                    bestIndex = t;
                }
            }
            assertEquals(bestIndex, found.nearest()[k], "query " + k);
            assertEquals(Math.sqrt(best), found.distances()[k], 1e-9, "query " + k);
        }
        assertEquals(17, found.nearest()[0]);
        assertEquals(0, found.distances()[0]);
        assertEquals(0.05, found.distances()[2], 1e-6);

        NearestSummary s = found.summary(0.1, train.count(), "random");
        assertEquals(3.0 / 40, s.nearCopyFraction(), 1e-15);
        assertEquals(0, s.min());
        assertEquals(40, s.images());
        int first = found.closestFirst()[0];
        assertTrue(first == 0 || first == 1, "an exact copy comes first, got query " + first);
    }

    /** Images with varied norms (so the norm ordering has something to prune). */
    static ImageBatch random(int n, Random rnd) {
        float[] data = new float[n * 49];
        for (int i = 0; i < n; i++) {
            double scale = 0.2 + rnd.nextDouble();
            for (int j = 0; j < 49; j++) {
                data[i * 49 + j] = (float) (scale * (2 * rnd.nextDouble() - 1));
            }
        }
        return new ImageBatch(n, 1, 7, 7, data);
    }
}
