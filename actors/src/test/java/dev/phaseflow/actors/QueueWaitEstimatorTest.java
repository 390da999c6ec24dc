package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.phaseflow.pipeline.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueueWaitEstimatorTest {
    private final AtomicLong now = new AtomicLong();
    private final QueueWaitEstimator estimator = new QueueWaitEstimator(2, now::get);

    @Test
    void theWaitIsTheWorkLeftAtTheMeasuredCostOverTheParallelism() {
        assertEquals(0, estimator.waitSeconds(), "nothing measured, nothing queued");
        estimator.modelExecuted("g", Route.GLOBAL, 10, 10, 0, 40_000_000); // 4 ms per image
        estimator.modelExecuted("l", Route.LOCAL, 10, 10, 0, 10_000_000); // 1 ms per image
        QueueWaitEstimator.Ticket a = estimator.admit(Map.of("g", 100L, "l", 200L), 4);
        // (100 x 4 ms + 200 x 1 ms) / 2
        assertEquals(0.3, estimator.waitSeconds(), 1e-9);
        estimator.stepDone(a, List.of("g"));
        assertEquals((96 * 0.004 + 200 * 0.001) / 2, estimator.waitSeconds(), 1e-9);
        QueueWaitEstimator.Ticket b = estimator.admit(Map.of("l", 1000L), 1);
        assertEquals((96 * 0.004 + 1200 * 0.001) / 2, estimator.waitSeconds(), 1e-9);
        estimator.finished(a);
        assertEquals(1.0 / 2, estimator.waitSeconds(), 1e-9);
        estimator.finished(b);
        assertEquals(0, estimator.waitSeconds(), 1e-12);
    }

    @Test
    void parallelismIsMeasuredOnlyInWindowsThatBeganWithAFullQueue() {
        estimator.modelExecuted("g", Route.GLOBAL, 1, 1, 0, 10_000_000); // 10 ms per image
        estimator.admit(Map.of("g", 10L), 1); // 0.1 s of work: less than a window's worth
        now.addAndGet(QueueWaitEstimator.WINDOW_NANOS);
        estimator.modelExecuted("g", Route.GLOBAL, 1, 1, 0, 10_000_000);
        assertEquals(2, estimator.parallelism(), 1e-9, "a window that began short of work does not count");

        estimator.admit(Map.of("g", 1000L), 1); // 10 s of work
        now.addAndGet(QueueWaitEstimator.WINDOW_NANOS);
        estimator.waitSeconds(); // rolls: the new window begins saturated
        // half a second in which calls took 0.5 s of compute in all: one call at a time
        for (int i = 0; i < 50; i++) {
            estimator.modelExecuted("g", Route.GLOBAL, 1, 1, 0, 10_000_000);
        }
        now.addAndGet(QueueWaitEstimator.WINDOW_NANOS);
        estimator.waitSeconds();
        assertEquals(1.0, estimator.parallelism(), 0.03);
    }
}
