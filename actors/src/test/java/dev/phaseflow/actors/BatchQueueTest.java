package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Tile;
import dev.phaseflow.models.TiledDenoiser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The batching policy, retries, cancellation and worker bookkeeping of {@link BatchQueue}, on a fake clock. */
class BatchQueueTest {
    private static final long MS = 1_000_000;
    private static final int C = 1;
    private static final int H = 3;
    private static final int W = 3;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final Recorder out = new Recorder();

    record Sent(String worker, BatchQueue.Batch batch) {}

    record Answer(String replyTo, int seq, ImageBatch x0, boolean shadow) {}

    record Failure(String replyTo, int seq, String message, boolean shadow) {}

    /** Everything the queue decides, in order. */
    static final class Recorder implements BatchQueue.Outbox<String, String> {
        final List<Sent> sent = new ArrayList<>();
        final List<Long> flushes = new ArrayList<>();
        final List<Answer> answers = new ArrayList<>();
        final List<Failure> failures = new ArrayList<>();
        final List<String> modelFailures = new ArrayList<>();
        final List<String> executed = new ArrayList<>();
        final List<String> joined = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();

        public void send(String worker, BatchQueue.Batch batch) {
            sent.add(new Sent(worker, batch));
        }

        public void scheduleFlush(long delayNanos) {
            flushes.add(delayNanos);
        }

        public void evaluated(String replyTo, int seq, ImageBatch x0, boolean shadow) {
            answers.add(new Answer(replyTo, seq, x0, shadow));
        }

        public void evaluationFailed(String replyTo, int seq, String message, boolean shadow) {
            failures.add(new Failure(replyTo, seq, message, shadow));
        }

        public void executed(int units, int images, long queueWaitNanos, long computeNanos) {
            executed.add(units + "/" + images + "/" + queueWaitNanos + "/" + computeNanos);
        }

        public void modelFailed(String kind) {
            modelFailures.add(kind);
        }

        public void workerJoined(String worker) {
            joined.add(worker);
        }

        public void workerCount(int workers) {
            counts.add(workers);
        }

        Sent last() {
            return sent.get(sent.size() - 1);
        }
    }

    private BatchQueue<String, String> queue(int maxBatch, long maxWaitNanos, int maxRetries) {
        return new BatchQueue<>("m", maxBatch, maxWaitNanos, maxRetries, 1_000 * MS, null, now::get, out);
    }

    /** {@code count} images whose pixel p of image i is base + 10 i + p, so every value says where it came from. */
    private static ImageBatch images(int count, float base) {
        float[] data = new float[count * C * H * W];
        for (int i = 0; i < data.length; i++) {
            data[i] = base + 10 * (i / (C * H * W)) + i % (C * H * W);
        }
        return new ImageBatch(count, C, H, W, data);
    }

    /** What a fake model answers: every input pixel plus one (per tile for a tiled batch, in the tile's layout). */
    private static float[] compute(BatchQueue.Batch b) {
        ImageBatch x = b.images();
        if (b.tiles().isEmpty()) {
            float[] v = x.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += 1;
            }
            return v;
        }
        List<Float> v = new ArrayList<>();
        for (TiledDenoiser.TileTask task : b.tiles()) {
            Tile t = task.tile();
            for (int ch = 0; ch < x.channels(); ch++) {
                for (int y = 0; y < t.height(); y++) {
                    for (int xx = 0; xx < t.width(); xx++) {
                        v.add(x.get(task.image(), ch, t.y() + y, t.x() + xx) + 1);
                    }
                }
            }
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static float[] plusOne(ImageBatch x) {
        float[] v = x.data().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += 1;
        }
        return v;
    }

    private static void complete(BatchQueue<String, String> q, Sent s) {
        q.completed(s.batch().id(), s.worker(), compute(s.batch()), 7);
    }

    // --- batching policy ---

    @Test
    void batchesHoldAtMostMaxBatchImagesAndSpreadOverIdleWorkers() {
        BatchQueue<String, String> q = queue(4, 5 * MS, 0);
        q.workerReady("w1");
        q.workerReady("w2");
        q.workerReady("w3");
        q.enqueue("a", 0, images(10, 0), 0.5, "A", false);
        assertEquals(3, out.sent.size());
        assertEquals(List.of("w1", "w2", "w3"), out.sent.stream().map(Sent::worker).toList());
        assertEquals(List.of(4, 4, 2), out.sent.stream().map(s -> s.batch().images().count()).toList());
        // the evaluation's images in order, cut into consecutive batches
        assertArrayEquals(images(10, 0).slice(4, 8).data(), out.sent.get(1).batch().images().data());
        assertEquals(0, q.queued());
        assertEquals(0, q.idleWorkers());
        assertEquals(3, q.inFlight());
        assertTrue(out.flushes.isEmpty(), "nothing was waited for");
    }

    @Test
    void queuedWorkOfSeveralJobsMergesIntoOneBatchAndIsAnsweredPerJob() {
        BatchQueue<String, String> q = queue(4, 5 * MS, 0);
        q.enqueue("a", 0, images(3, 0), 0.5, "A", false);
        q.enqueue("b", 4, images(3, 100), 2.0, "B", true);
        assertEquals(0, out.sent.size(), "no worker yet");
        q.workerReady("w1");
        assertEquals(List.of("w1"), out.joined);
        assertEquals(List.of(1), out.counts);
        assertEquals(1, out.sent.size());
        BatchQueue.Batch first = out.sent.get(0).batch();
        assertEquals(4, first.images().count());
        assertArrayEquals(new double[] {0.5, 0.5, 0.5, 2.0}, first.sigmas());
        assertTrue(first.tiles().isEmpty());

        complete(q, out.sent.get(0));
        assertEquals(List.of("4/4/0/7"), out.executed);
        assertEquals(1, out.answers.size(), "a is complete, b has two images left");
        Answer a = out.answers.get(0);
        assertEquals("A", a.replyTo());
        assertEquals(0, a.seq());
        assertEquals(false, a.shadow());
        assertArrayEquals(plusOne(images(3, 0)), a.x0().data());

        // b's last two images are a partial batch and a is expected back: they wait for it
        assertEquals(1, out.sent.size());
        assertEquals(List.of(5 * MS), out.flushes);
        q.flush();
        assertEquals(2, out.sent.size());
        assertEquals(2, out.last().batch().images().count());
        complete(q, out.last());
        Answer b = out.answers.get(1);
        assertEquals("B", b.replyTo());
        assertEquals(4, b.seq());
        assertEquals(true, b.shadow());
        assertArrayEquals(plusOne(images(3, 100)), b.x0().data());

        q.enqueue("c", 0, images(1, 200), 0.5, "C", false);
        assertEquals(3, out.sent.size(), "b is shadow work: answering it expects nobody back");
        assertEquals(1, out.flushes.size());
    }

    @Test
    void shadowWorkOfAnExpectedJobDoesNotEndTheWait() {
        BatchQueue<String, String> q = queue(8, 5 * MS, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        complete(q, out.sent.get(0));
        q.enqueue("a", 1, images(1, 100), 0.7, "A", true);
        assertEquals(1, out.sent.size(), "a's step is still expected");
        assertEquals(List.of(5 * MS), out.flushes);
        q.enqueue("a", 1, images(1, 200), 0.9, "A", false);
        assertEquals(2, out.sent.size());
        assertArrayEquals(new double[] {0.7, 0.9}, out.last().batch().sigmas());
    }

    @Test
    void aLoneRequestIsDispatchedAtOnce() {
        BatchQueue<String, String> q = queue(8, 5 * MS, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        assertEquals(1, out.sent.size());
        assertEquals(1, out.sent.get(0).batch().images().count());
        assertTrue(out.flushes.isEmpty());
    }

    @Test
    void aPartialBatchWaitsForAJobThatWasJustAnsweredAndGoesWhenItComesBack() {
        BatchQueue<String, String> q = queue(8, 5 * MS, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        complete(q, out.sent.get(0)); // a answered: its next evaluation is on its way
        assertEquals(1, out.answers.size());

        now.addAndGet(MS);
        q.enqueue("b", 0, images(1, 100), 0.7, "B", false);
        assertEquals(1, out.sent.size(), "b waits for a");
        assertEquals(List.of(5 * MS), out.flushes);

        now.addAndGet(2 * MS);
        q.enqueue("a", 1, images(1, 200), 0.5, "A", false);
        assertEquals(2, out.sent.size(), "a is back: nobody else is expected");
        BatchQueue.Batch merged = out.last().batch();
        assertArrayEquals(new double[] {0.7, 0.5}, merged.sigmas(), "b queued first");
        assertEquals(1, out.flushes.size());
    }

    @Test
    void aJobForgottenByTheRouterIsNoLongerWaitedFor() {
        BatchQueue<String, String> q = queue(8, 5 * MS, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        complete(q, out.sent.get(0));
        q.enqueue("b", 0, images(1, 100), 0.7, "B", false);
        assertEquals(1, out.sent.size());
        q.forget("a");
        assertEquals(2, out.sent.size());
        assertEquals(1, out.last().batch().images().count());
    }

    @Test
    void aFullBatchNeverWaits() {
        BatchQueue<String, String> q = queue(2, 5 * MS, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        complete(q, out.sent.get(0));
        q.enqueue("b", 0, images(2, 100), 0.7, "B", false);
        assertEquals(2, out.sent.size(), "b alone fills a batch");
        assertEquals(2, out.last().batch().images().count());
        assertTrue(out.flushes.isEmpty());
    }

    @Test
    void theWaitExpiresAfterMaxWaitFromTheHeadsArrival() {
        BatchQueue<String, String> q = queue(8, 5 * MS, 0);
        q.workerReady("w1");
        q.workerReady("w2");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false); // to w1
        q.enqueue("b", 0, images(1, 100), 0.5, "B", false); // to w2
        complete(q, out.sent.get(0));
        now.addAndGet(MS);
        q.enqueue("c", 0, images(1, 200), 0.5, "C", false); // w1 idle, but a is expected
        assertEquals(2, out.sent.size());
        now.addAndGet(3 * MS);
        complete(q, out.sent.get(1)); // another attempt to dispatch: one flush timer is enough
        assertEquals(List.of(5 * MS), out.flushes);
        assertEquals(2, out.sent.size(), "a and b are expected, c has waited 3 ms");

        now.addAndGet(2 * MS); // c has waited maxWait: the next event sends it without the timer
        q.enqueue("d", 0, images(1, 300), 0.5, "D", true);
        assertEquals(3, out.sent.size());
        assertEquals(2, out.last().batch().images().count());
        assertEquals("w1", out.last().worker());

        // the timer still fires; with nothing queued it sends nothing, and it clears the expectations
        q.flush();
        assertEquals(3, out.sent.size());
        q.enqueue("e", 0, images(1, 400), 0.5, "E", false);
        assertEquals(4, out.sent.size(), "nobody is expected any more: e goes at once to w2");
        assertEquals("w2", out.last().worker());
    }

    @Test
    void aDelayedHeadSchedulesTheFlushForWhatIsLeftOfMaxWait() {
        BatchQueue<String, String> q = queue(8, 5 * MS, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        q.enqueue("b", 0, images(1, 100), 0.5, "B", false); // w1 busy: b queues
        now.addAndGet(3 * MS);
        complete(q, out.sent.get(0)); // a is expected back; b has waited 3 ms of 5
        assertEquals(1, out.sent.size());
        assertEquals(List.of(2 * MS), out.flushes);
    }

    @Test
    void tiledWorkIsBatchedByImagesWorthOfTilesAndStitchedBack() {
        // 3x3 images in 2x2 tiles: 4 tiles each, the last of a row or column overlapping its neighbour
        BatchQueue.Tiling tiling = (count, height, width) -> {
            List<TiledDenoiser.TileTask> tasks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                for (Tile t : Tile.cover(height, width, 2)) {
                    tasks.add(new TiledDenoiser.TileTask(i, t));
                }
            }
            return tasks;
        };
        BatchQueue<String, String> q = new BatchQueue<>("m", 1, 5 * MS, 0, 1_000 * MS, tiling, now::get, out);
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false);
        q.workerReady("w1");
        BatchQueue.Batch first = out.sent.get(0).batch();
        assertEquals(4, first.tiles().size(), "one image's worth of tiles");
        assertEquals(1, first.images().count(), "the tiles' one distinct image");
        assertArrayEquals(images(2, 0).slice(0, 1).data(), first.images().data());
        assertTrue(first.tiles().stream().allMatch(t -> t.image() == 0));
        complete(q, out.sent.get(0));
        assertEquals(List.of("4/1/0/7"), out.executed);
        assertTrue(out.answers.isEmpty(), "the second image is not done");
        BatchQueue.Batch second = out.last().batch();
        assertArrayEquals(images(2, 0).slice(1, 2).data(), second.images().data());
        assertTrue(second.tiles().stream().allMatch(t -> t.image() == 0), "tiles index the batch's images");
        complete(q, out.last());
        assertEquals(1, out.answers.size());
        assertArrayEquals(plusOne(images(2, 0)), out.answers.get(0).x0().data());
    }

    @Test
    void theQueueWaitIsTheMeanOverTheBatchsUnits() {
        BatchQueue<String, String> q = queue(4, 0, 0);
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        now.addAndGet(4 * MS);
        q.enqueue("b", 0, images(1, 0), 0.5, "B", false);
        q.workerReady("w1");
        complete(q, out.sent.get(0));
        assertEquals(List.of("2/2/" + 2 * MS + "/7"), out.executed);
    }

    // --- retries ---

    @Test
    void aFailedBatchIsRetriedUpToTheLimitThenItsEvaluationFails() {
        BatchQueue<String, String> q = queue(4, 0, 2);
        q.workerReady("w1");
        q.enqueue("a", 3, images(2, 0), 0.5, "A", false);
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertEquals(attempt, out.sent.size());
            Sent s = out.last();
            assertArrayEquals(images(2, 0).data(), s.batch().images().data(), "the same work each time");
            q.failed(s.batch().id(), "w1", "model_failure", "boom");
            assertEquals(attempt, out.sent.size(), "a failed worker restarts before it takes work");
            q.workerReady("w1");
        }
        assertEquals(3, out.sent.size());
        assertEquals(List.of("model_failure", "model_failure", "model_failure"), out.modelFailures);
        assertEquals(List.of(new Failure("A", 3, "model 'm' failed 3 times at sigma 0.5: boom", false)), out.failures);
        assertEquals(0, q.queued());
        assertTrue(out.answers.isEmpty());
        assertEquals(List.of("w1"), out.joined, "a restarted worker is the same worker");
    }

    @Test
    void aRetriedBatchSucceedsWithTheSameResult() {
        BatchQueue<String, String> q = queue(4, 0, 1);
        q.workerReady("w1");
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false);
        q.failed(out.last().batch().id(), "w1", "model_output", "NaN");
        q.workerReady("w1");
        complete(q, out.last());
        assertTrue(out.failures.isEmpty());
        assertEquals(1, out.answers.size());
        assertArrayEquals(plusOne(images(2, 0)), out.answers.get(0).x0().data());
    }

    @Test
    void retriedWorkGoesFirstAndToAnotherWorkerWhileOthersWaitBehindIt() {
        BatchQueue<String, String> q = queue(1, 0, 3);
        q.workerReady("w1");
        q.workerReady("w2");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false); // w1
        q.enqueue("b", 0, images(1, 100), 0.5, "B", false); // w2
        q.enqueue("c", 0, images(1, 200), 0.5, "C", false); // queued
        q.failed(out.sent.get(0).batch().id(), "w1", "model_failure", "boom");
        q.workerReady("w1");
        // a's retry heads the queue and avoids w1, the only idle worker: nothing goes, not even c
        assertEquals(2, out.sent.size());
        assertEquals(2, q.queued());
        complete(q, out.sent.get(1)); // w2 is free: it takes a's retry, w1 takes c
        assertEquals(4, out.sent.size());
        assertEquals("w2", out.sent.get(2).worker());
        assertArrayEquals(images(1, 0).data(), out.sent.get(2).batch().images().data());
        assertEquals("w1", out.sent.get(3).worker());
        assertArrayEquals(images(1, 200).data(), out.sent.get(3).batch().images().data());
    }

    @Test
    void aBatchSkipsTheUnitsItsWorkerJustFailed() {
        BatchQueue<String, String> q = queue(4, 0, 3);
        q.workerReady("w1");
        q.workerReady("w2");
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false); // w1
        q.enqueue("b", 0, images(2, 100), 0.5, "B", false); // w2
        q.failed(out.sent.get(0).batch().id(), "w1", "model_failure", "boom");
        q.failed(out.sent.get(1).batch().id(), "w2", "model_failure", "boom");
        // queue: b's retries (avoiding w2), then a's (avoiding w1)
        q.workerReady("w1");
        assertEquals("w1", out.last().worker());
        assertArrayEquals(images(2, 100).data(), out.last().batch().images().data(), "b only, though a's would fit");
        q.workerReady("w2");
        assertEquals("w2", out.last().worker());
        assertArrayEquals(images(2, 0).data(), out.last().batch().images().data(), "a only");
        assertEquals(4, out.sent.size());
    }

    @Test
    void aSingleWorkerRetriesItsOwnFailures() {
        BatchQueue<String, String> q = queue(2, 0, 3);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        q.failed(out.last().batch().id(), "w1", "model_failure", "boom");
        q.workerReady("w1");
        assertEquals(2, out.sent.size());
        assertEquals("w1", out.last().worker());
    }

    @Test
    void anEvaluationOutOfRetriesTakesItsQueuedUnitsWithItButNotOthers() {
        BatchQueue<String, String> q = queue(1, 0, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(3, 0), 0.5, "A", false);
        q.enqueue("b", 0, images(1, 100), 0.5, "B", false);
        assertEquals(3, q.queued());
        q.failed(out.last().batch().id(), "w1", "model_failure", "boom");
        assertEquals(1, out.failures.size());
        assertEquals("model 'm' failed 1 times at sigma 0.5: boom", out.failures.get(0).message());
        assertEquals(1, q.queued(), "a's other images are dropped, b's stays");
        q.workerReady("w1");
        assertArrayEquals(images(1, 100).data(), out.last().batch().images().data());
        complete(q, out.last());
        assertEquals(List.of("B"), out.answers.stream().map(Answer::replyTo).toList());
    }

    // --- cancellation ---

    @Test
    void aDroppedJobsQueuedUnitsAreNeverDispatched() {
        BatchQueue<String, String> q = queue(2, 0, 0);
        q.workerReady("w1");
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false); // w1
        q.enqueue("b", 0, images(2, 100), 0.5, "B", false);
        q.enqueue("c", 0, images(1, 200), 0.5, "C", false);
        q.dropJob("b");
        assertEquals(1, q.queued());
        complete(q, out.last());
        assertEquals(2, out.sent.size());
        assertArrayEquals(images(1, 200).data(), out.last().batch().images().data(), "c, not b");
        complete(q, out.last());
        assertEquals(List.of("A", "C"), out.answers.stream().map(Answer::replyTo).toList());
    }

    @Test
    void aDroppedJobsRunningWorkIsNotAnsweredNorRetried() {
        BatchQueue<String, String> q = queue(2, 0, 3);
        q.workerReady("w1");
        q.workerReady("w2");
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false); // w1
        q.enqueue("b", 0, images(2, 100), 0.5, "B", false); // w2
        q.dropJob("a");
        q.dropJob("b");
        complete(q, out.sent.get(0));
        q.failed(out.sent.get(1).batch().id(), "w2", "model_failure", "boom");
        q.workerReady("w2");
        assertTrue(out.answers.isEmpty());
        assertTrue(out.failures.isEmpty());
        assertEquals(2, out.sent.size(), "b's failed work is not retried");
        assertEquals(0, q.queued());
        assertEquals(2, q.idleWorkers());
    }

    // --- workers ---

    @Test
    void aLostWorkersBatchesAreRequeuedToTheOthers() {
        BatchQueue<String, String> q = queue(2, 0, 1);
        q.workerReady("w1");
        q.workerReady("w2");
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false); // w1
        q.enqueue("b", 0, images(2, 100), 0.5, "B", false); // w2
        q.workerLost("w1");
        assertEquals(List.of(1, 2, 1), out.counts);
        assertEquals(List.of("worker_lost"), out.modelFailures);
        assertEquals(2, q.queued(), "a's two images wait: w2 is busy");
        complete(q, out.sent.get(1));
        assertEquals("w2", out.last().worker());
        assertArrayEquals(images(2, 0).data(), out.last().batch().images().data());
        complete(q, out.last());
        assertEquals(List.of("B", "A"), out.answers.stream().map(Answer::replyTo).toList());
        assertArrayEquals(plusOne(images(2, 0)), out.answers.get(1).x0().data());
        assertEquals(1, q.workers());
    }

    @Test
    void aLostWorkerCountsAsAnAttempt() {
        BatchQueue<String, String> q = queue(2, 0, 0);
        q.workerReady("w1");
        q.workerReady("w2");
        q.enqueue("a", 0, images(2, 0), 0.5, "A", false);
        q.workerLost("w1");
        assertEquals(List.of(new Failure("A", 0, "model 'm' failed 1 times at sigma 0.5: its worker stopped", false)),
                out.failures);
        assertEquals(1, out.sent.size());
    }

    @Test
    void withoutWorkersWorkWaitsUntilTheNoWorkerTimeoutThenFails() {
        BatchQueue<String, String> q = queue(2, 0, 1);
        q.workerReady("w1");
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false); // w1
        now.addAndGet(2_000 * MS);
        q.workerLost("w1"); // the timeout counts from the loss, not from a's arrival
        assertEquals(List.of(1, 0), out.counts);
        assertEquals(1, q.queued());
        now.addAndGet(999 * MS);
        q.failStarved();
        assertTrue(out.failures.isEmpty());
        now.addAndGet(MS);
        q.enqueue("b", 0, images(1, 100), 0.7, "B", true);
        q.failStarved();
        assertEquals(List.of(new Failure("A", 0,
                "no worker for model 'm' for 1.0 s (no worker node of the cluster runs it)", false)), out.failures);
        assertEquals(List.of("worker_lost", "no_worker"), out.modelFailures);
        assertEquals(1, q.queued(), "b has not waited long enough");
        q.workerReady("w2");
        assertEquals("w2", out.last().worker());
        assertArrayEquals(images(1, 100).data(), out.last().batch().images().data());
    }

    @Test
    void aWorkerThatComesBackInTimeGetsTheQueuedWork() {
        BatchQueue<String, String> q = queue(2, 0, 1);
        q.enqueue("a", 0, images(1, 0), 0.5, "A", false);
        now.addAndGet(999 * MS);
        q.failStarved();
        q.workerReady("w1");
        q.failStarved(); // a worker: nothing starves
        complete(q, out.last());
        assertTrue(out.failures.isEmpty());
        assertEquals(1, out.answers.size());
    }
}
