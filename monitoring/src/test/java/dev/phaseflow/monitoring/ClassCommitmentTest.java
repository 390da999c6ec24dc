package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.monitoring.testing.TextScrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ClassCommitmentTest {
    private static final double[] SIGMAS = {80, 40, 10, 1, 0.1};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ClassCommitment commitment = new ClassCommitment(registry, SigmaBuckets.DEFAULT, 3, 100);

    /** Observes one request: classes[step][image]. */
    private void run(String id, int[][] classes) {
        for (int s = 0; s < classes.length; s++) {
            commitment.observe(id, SIGMAS[s], classes[s]);
        }
    }

    private TextScrape scrape() {
        return new TextScrape(MetricsExporter.text(registry));
    }

    @Test
    void commitsAtTheFirstStepOfTheFinalClass() {
        // image 0: 3 3 5 5 5 -> commits at 10; image 1: 7 2 7 7 7 -> at 10 too (it came back)
        // image 2: 1 1 1 1 4 -> at 0.1 (changed on the last step)
        run("r", new int[][] {{3, 7, 1}, {3, 2, 1}, {5, 7, 1}, {5, 7, 1}, {5, 7, 4}});
        assertEquals(3, commitment.finish("r"));
        TextScrape scrape = scrape();
        assertEquals(3, scrape.value("phaseflow_class_commitment_sigma_count"));
        assertEquals(20.1, scrape.value("phaseflow_class_commitment_sigma_sum"), 1e-12);
        assertEquals(1, scrape.value("phaseflow_class_commitment_sigma_bucket{le=\"0.106\"}"));
        assertEquals(1, scrape.value("phaseflow_class_commitment_sigma_bucket{le=\"8.8\"}"));
        assertEquals(3, scrape.value("phaseflow_class_commitment_sigma_bucket{le=\"13.7\"}"));
        assertEquals(OptionalDouble.of(10), commitment.medianCommitmentSigma());
    }

    @Test
    void neverChangingCommitsAtTheFirstSigma() {
        run("r", new int[][] {{6}, {6}, {6}, {6}, {6}});
        commitment.finish("r");
        assertEquals(80, scrape().value("phaseflow_class_commitment_sigma_sum"));
        assertEquals(1, scrape().value("phaseflow_class_commitment_sigma_bucket{le=\"80.0\"}"));
        assertEquals(0, scrape().value("phaseflow_class_commitment_sigma_bucket{le=\"51.4\"}"));
    }

    @Test
    void finishCleansUpAndRecordsOnce() {
        run("r", new int[][] {{1}, {2}});
        assertEquals(1, commitment.trackedRequests());
        assertEquals(1, commitment.finish("r"));
        assertEquals(0, commitment.trackedRequests());
        assertEquals(0, commitment.finish("r"), "a finished request is no longer tracked");
        assertEquals(1, scrape().value("phaseflow_class_commitment_sigma_count"));
    }

    @Test
    void abandonRecordsNothing() {
        run("r", new int[][] {{1, 1}, {2, 1}});
        assertTrue(commitment.abandon("r"));
        assertFalse(commitment.abandon("r"));
        assertEquals(0, commitment.trackedRequests());
        assertEquals(0, scrape().value("phaseflow_class_commitment_sigma_count"));
        assertEquals(OptionalDouble.empty(), commitment.medianCommitmentSigma());
    }

    @Test
    void stateIsBoundedByDroppingTheLeastRecentlyObserved() {
        commitment.observe("a", 80, new int[] {1});
        commitment.observe("b", 80, new int[] {1});
        commitment.observe("c", 80, new int[] {1});
        commitment.observe("a", 40, new int[] {1}); // a is now the most recent; b the eldest
        commitment.observe("d", 80, new int[] {1});
        assertEquals(3, commitment.trackedRequests());
        assertEquals(1, scrape().value("phaseflow_class_commitment_dropped_total"));
        assertEquals(0, commitment.finish("b"));
        assertEquals(1, commitment.finish("a"));
    }

    @Test
    void medianIsOverFinishedImages() {
        run("a", new int[][] {{1, 1}, {1, 1}, {1, 2}}); // 80 and 10
        run("b", new int[][] {{1}, {2}}); // 40
        commitment.finish("a");
        commitment.finish("b");
        assertEquals(OptionalDouble.of(40), commitment.medianCommitmentSigma());
        run("c", new int[][] {{1}, {1}, {1}, {1}, {2}}); // 0.1
        commitment.finish("c");
        assertEquals(OptionalDouble.of(25), commitment.medianCommitmentSigma(), "even count: mean of the middle two");
    }

    @Test
    void medianWindowKeepsTheMostRecent() {
        ClassCommitment small = new ClassCommitment(new PrometheusRegistry(), SigmaBuckets.DEFAULT, 10, 2);
        for (double sigma : new double[] {80, 40, 1}) {
            small.observe("r" + sigma, sigma, new int[] {0});
            small.finish("r" + sigma);
        }
        assertEquals(OptionalDouble.of(20.5), small.medianCommitmentSigma());
    }

    @Test
    void rejectsInconsistentSteps() {
        commitment.observe("r", 10, new int[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> commitment.observe("r", 20, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> commitment.observe("r", 5, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> commitment.observe("r", 5, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> commitment.observe("", 5, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> commitment.observe("r", -1, new int[] {1, 2}));
        commitment.observe("r", 10, new int[] {1, 3}); // equal sigma is allowed
        assertEquals(2, commitment.finish("r"));
    }
}
