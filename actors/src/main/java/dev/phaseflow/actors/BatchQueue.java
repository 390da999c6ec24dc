package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.TiledDenoiser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The state and policy of one model's dynamic batcher, without the actor (see {@link Batcher}):
 * the queued units of work, which batch goes to which idle worker when, retries, and the workers
 * it knows. Single-threaded: the batcher actor calls it from its messages. Everything it decides
 * goes out through an {@link Outbox}, in the order it happens; the clock is injected so tests
 * can drive the waits.
 *
 * @param <W> a worker's identity (an actor ref in the engine)
 * @param <R> where an evaluation's answer goes (the job actor in the engine)
 */
final class BatchQueue<W, R> {

    /** What the queue decides, for the actor to carry out. */
    interface Outbox<W, R> {
        /** Hand a batch to an idle worker. */
        void send(W worker, Batch batch);

        /** Call {@link #flush()} after this delay; the queue asks for one flush at a time. */
        void scheduleFlush(long delayNanos);

        /** An evaluation is complete. */
        void evaluated(R replyTo, int seq, ImageBatch x0, boolean shadow);

        /** An evaluation failed for good. */
        void evaluationFailed(R replyTo, int seq, String message, boolean shadow);

        /** A worker's batch came back: how many units and distinct images, their mean queue wait, the compute time. */
        void executed(int units, int images, long queueWaitNanos, long computeNanos);

        /** A batch was lost: model_output, model_failure (the worker's kind), worker_lost or no_worker. */
        void modelFailed(String kind);

        /** A worker the queue had not seen pulled: its loss must be reported with {@link #workerLost}. */
        void workerJoined(W worker);

        /** The number of workers changed. */
        void workerCount(int workers);
    }

    /** Cuts an evaluation's images into tiles; {@code null} where a model takes whole images. */
    interface Tiling {
        List<TiledDenoiser.TileTask> tasks(int count, int height, int width);
    }

    /**
     * A model call: the distinct images of its units with one sigma each, and for a tiled model the
     * tiles to compute (image indices into {@code images}), else empty.
     */
    record Batch(long id, ImageBatch images, double[] sigmas, List<TiledDenoiser.TileTask> tiles) {}

    /** One evaluation of one job: its images, where the x0 estimates collect, how many units are left. */
    private static final class Evaluation<R> {
        final String jobId;
        final int seq;
        final ImageBatch x;
        final double sigma;
        final R replyTo;
        final boolean shadow;
        final float[] x0;
        final int unitsPerImage;
        int unitsLeft;
        boolean closed;

        Evaluation(String jobId, int seq, ImageBatch x, double sigma, R replyTo, boolean shadow, int units) {
            this.jobId = jobId;
            this.seq = seq;
            this.x = x;
            this.sigma = sigma;
            this.replyTo = replyTo;
            this.shadow = shadow;
            this.x0 = new float[x.data().length];
            this.unitsPerImage = units / x.count();
            this.unitsLeft = units;
        }
    }

    /** An image of an evaluation, or one tile of it. */
    private static final class Unit<W, R> {
        final Evaluation<R> evaluation;
        final int image;
        final TiledDenoiser.TileTask tile;
        final long enqueuedNanos;
        int attempts;
        W avoid;

        Unit(Evaluation<R> evaluation, int image, TiledDenoiser.TileTask tile, long enqueuedNanos) {
            this.evaluation = evaluation;
            this.image = image;
            this.tile = tile;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /** A batch at a worker, with the mean time its units queued. */
    private record InFlight<W, R>(W worker, List<Unit<W, R>> units, int images, long queueWaitNanos) {}

    /** An image of an evaluation; Evaluation has identity equality, so this is a map key. */
    private record ImageKey(Evaluation<?> evaluation, int image) {}

    private final String model;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int maxRetries;
    private final long noWorkerNanos;
    private final Tiling tiling;
    private final LongSupplier clock;
    private final Outbox<W, R> out;
    private final Deque<Unit<W, R>> queue = new ArrayDeque<>();
    private final Set<W> workers = new LinkedHashSet<>();
    private final Set<W> idle = new LinkedHashSet<>();
    private final Map<Long, InFlight<W, R>> inFlight = new HashMap<>();
    /** Jobs just answered whose next evaluation is likely on its way here: a partial batch waits for them. */
    private final Set<String> expected = new HashSet<>();
    /** When the queue last had no worker (its start, or its last worker's loss). */
    private long starvedSince;
    private long nextBatchId;
    private boolean flushScheduled;

    /**
     * @param model         the model's name, for error messages
     * @param maxBatch      most images per batch (tiled: that many images' worth of tiles)
     * @param maxWaitNanos  longest a partial batch waits for expected jobs
     * @param maxRetries    attempts after the first for a failing unit
     * @param noWorkerNanos how long work stays queued while there is no worker at all
     * @param tiling        the model's tiling, or {@code null}
     * @param clock         nanoTime
     */
    BatchQueue(String model, int maxBatch, long maxWaitNanos, int maxRetries, long noWorkerNanos, Tiling tiling,
               LongSupplier clock, Outbox<W, R> out) {
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWaitNanos;
        this.maxRetries = maxRetries;
        this.noWorkerNanos = noWorkerNanos;
        this.tiling = tiling;
        this.clock = clock;
        this.out = out;
        this.starvedSince = clock.getAsLong();
    }

    /** Queues an evaluation's units (a job's request arrived; shadow work is a diagnostic and expects nothing). */
    void enqueue(String jobId, int seq, ImageBatch x, double sigma, R replyTo, boolean shadow) {
        if (!shadow) {
            expected.remove(jobId);
        }
        long now = clock.getAsLong();
        if (tiling != null) {
            List<TiledDenoiser.TileTask> tasks = tiling.tasks(x.count(), x.height(), x.width());
            Evaluation<R> evaluation = new Evaluation<>(jobId, seq, x, sigma, replyTo, shadow, tasks.size());
            for (TiledDenoiser.TileTask task : tasks) {
                queue.addLast(new Unit<>(evaluation, task.image(), task, now));
            }
        } else {
            Evaluation<R> evaluation = new Evaluation<>(jobId, seq, x, sigma, replyTo, shadow, x.count());
            for (int i = 0; i < x.count(); i++) {
                queue.addLast(new Unit<>(evaluation, i, null, now));
            }
        }
        dispatch(false);
    }

    /** A worker is idle (it started, or restarted after a failure). */
    void workerReady(W worker) {
        if (workers.add(worker)) {
            out.workerJoined(worker);
            out.workerCount(workers.size());
        }
        idle.add(worker);
        dispatch(false);
    }

    /** A batch's result; its worker is idle again. A batch the queue no longer knows is ignored. */
    void completed(long batchId, W worker, float[] values, long computeNanos) {
        InFlight<W, R> batch = inFlight.remove(batchId);
        idle.add(worker);
        if (batch != null) {
            out.executed(batch.units().size(), batch.images(), batch.queueWaitNanos(), computeNanos);
            scatter(batch.units(), values);
        }
        dispatch(false);
    }

    /** A batch failed; its worker restarts and says Ready again, so it is not idle until then. */
    void failed(long batchId, W worker, String kind, String message) {
        InFlight<W, R> batch = inFlight.remove(batchId);
        out.modelFailed(kind);
        if (batch != null) {
            retry(batch.units(), worker, message);
        }
        dispatch(false);
    }

    /** A worker is gone: its batches are retried elsewhere. */
    void workerLost(W worker) {
        if (workers.remove(worker)) {
            out.workerCount(workers.size());
            if (workers.isEmpty()) {
                starvedSince = clock.getAsLong();
            }
        }
        idle.remove(worker);
        List<Long> lost = new ArrayList<>();
        inFlight.forEach((id, b) -> {
            if (b.worker().equals(worker)) {
                lost.add(id);
            }
        });
        for (long id : lost) {
            out.modelFailed("worker_lost");
            retry(inFlight.remove(id).units(), worker, "its worker stopped");
        }
        dispatch(false);
    }

    /** The job's next evaluation goes elsewhere (another model, or it finished): stop waiting for it. */
    void forget(String jobId) {
        expected.remove(jobId);
        dispatch(false);
    }

    /** The scheduled flush: the wait is over, partial batches go. */
    void flush() {
        flushScheduled = false;
        expected.clear(); // who has not come back within maxWait went elsewhere or finished
        dispatch(true);
    }

    /** Forgets a cancelled job's queued and running work; nothing of it is answered. */
    void dropJob(String jobId) {
        expected.remove(jobId);
        queue.removeIf(u -> u.evaluation.jobId.equals(jobId));
        for (InFlight<W, R> b : inFlight.values()) {
            for (Unit<W, R> u : b.units()) {
                if (u.evaluation.jobId.equals(jobId)) {
                    u.evaluation.closed = true;
                }
            }
        }
    }

    /** With no worker, fails every evaluation whose work has waited for one longer than noWorkerNanos. */
    void failStarved() {
        if (!workers.isEmpty() || queue.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        List<Evaluation<R>> starved = new ArrayList<>();
        for (Unit<W, R> u : queue) {
            if (now - Math.max(u.enqueuedNanos, starvedSince) >= noWorkerNanos && !starved.contains(u.evaluation)) {
                starved.add(u.evaluation);
            }
        }
        for (Evaluation<R> ev : starved) {
            ev.closed = true;
            queue.removeIf(q -> q.evaluation == ev);
            out.modelFailed("no_worker");
            out.evaluationFailed(ev.replyTo, ev.seq, "no worker for model '" + model + "' for "
                    + noWorkerNanos / 1_000_000_000.0 + " s (no worker node of the cluster runs it)", ev.shadow);
        }
    }

    /** Units queued, not yet at a worker. */
    int queued() {
        return queue.size();
    }

    /** Batches at workers. */
    int inFlight() {
        return inFlight.size();
    }

    int workers() {
        return workers.size();
    }

    int idleWorkers() {
        return idle.size();
    }

    /** Units per call: maxBatch images, or that many images' worth of tiles. */
    private int maxUnits(Unit<W, R> head) {
        return maxBatch * head.evaluation.unitsPerImage;
    }

    /** Hands batches to idle workers: full ones at once, partial ones after maxWait (or when forced by the timer). */
    private void dispatch(boolean force) {
        while (!idle.isEmpty() && !queue.isEmpty()) {
            Unit<W, R> head = queue.peekFirst();
            int limit = maxUnits(head);
            long waited = clock.getAsLong() - head.enqueuedNanos;
            if (queue.size() < limit && !expected.isEmpty() && waited < maxWaitNanos && !force) {
                if (!flushScheduled) {
                    flushScheduled = true;
                    out.scheduleFlush(maxWaitNanos - waited);
                }
                return;
            }
            W worker = pickWorker(head);
            if (worker == null) {
                return; // the only idle worker just failed this work; wait for another
            }
            idle.remove(worker);
            send(worker, takeBatch(worker, limit));
        }
    }

    private W pickWorker(Unit<W, R> head) {
        for (W w : idle) {
            if (!w.equals(head.avoid) || workers.size() == 1) {
                return w;
            }
        }
        return null;
    }

    private List<Unit<W, R>> takeBatch(W worker, int limit) {
        List<Unit<W, R>> batch = new ArrayList<>(Math.min(limit, queue.size()));
        Iterator<Unit<W, R>> it = queue.iterator();
        while (it.hasNext() && batch.size() < limit) {
            Unit<W, R> u = it.next();
            if (u.avoid != null && u.avoid.equals(worker) && workers.size() > 1) {
                continue; // retried work goes to another worker
            }
            it.remove();
            batch.add(u);
        }
        return batch;
    }

    private void send(W worker, List<Unit<W, R>> units) {
        // the distinct images of the batch, each with its evaluation's sigma; tiles point into them
        Map<ImageKey, Integer> index = new LinkedHashMap<>();
        List<ImageBatch> images = new ArrayList<>();
        List<Double> sigmas = new ArrayList<>();
        List<TiledDenoiser.TileTask> tiles = new ArrayList<>();
        long now = clock.getAsLong();
        long waitSum = 0;
        for (Unit<W, R> u : units) {
            int i = index.computeIfAbsent(new ImageKey(u.evaluation, u.image), k -> {
                images.add(k.evaluation().x.slice(k.image(), k.image() + 1));
                sigmas.add(k.evaluation().sigma);
                return images.size() - 1;
            });
            if (u.tile != null) {
                tiles.add(new TiledDenoiser.TileTask(i, u.tile.tile()));
            }
            waitSum += now - u.enqueuedNanos;
        }
        long id = nextBatchId++;
        inFlight.put(id, new InFlight<>(worker, units, images.size(), waitSum / units.size()));
        out.send(worker, new Batch(id, ImageBatch.concat(images), sigmas.stream().mapToDouble(Double::doubleValue).toArray(),
                List.copyOf(tiles)));
    }

    /** Copies each unit's x0 into its evaluation and answers the evaluations that are complete. */
    private void scatter(List<Unit<W, R>> units, float[] values) {
        int offset = 0;
        for (Unit<W, R> u : units) {
            Evaluation<R> ev = u.evaluation;
            ImageBatch x = ev.x;
            int size = u.tile == null ? x.imageSize() : x.channels() * u.tile.tile().height() * u.tile.tile().width();
            if (!ev.closed) {
                if (u.tile == null) {
                    System.arraycopy(values, offset, ev.x0, u.image * size, size);
                } else {
                    ImageBatch target = new ImageBatch(x.count(), x.channels(), x.height(), x.width(), ev.x0);
                    TiledDenoiser.stitch(target, List.of(u.tile), Arrays.copyOfRange(values, offset, offset + size));
                }
                if (--ev.unitsLeft == 0) {
                    ev.closed = true;
                    if (!ev.shadow) {
                        expected.add(ev.jobId);
                    }
                    out.evaluated(ev.replyTo, ev.seq, new ImageBatch(x.count(), x.channels(), x.height(), x.width(), ev.x0),
                            ev.shadow);
                }
            }
            offset += size;
        }
    }

    /** Puts failed units back at the front of the queue, or fails their evaluation once out of retries. */
    private void retry(List<Unit<W, R>> units, W failedWorker, String reason) {
        for (int i = units.size() - 1; i >= 0; i--) {
            Unit<W, R> u = units.get(i);
            Evaluation<R> ev = u.evaluation;
            if (ev.closed) {
                continue;
            }
            u.attempts++;
            if (u.attempts > maxRetries) {
                ev.closed = true;
                queue.removeIf(q -> q.evaluation == ev);
                out.evaluationFailed(ev.replyTo, ev.seq, "model '" + model + "' failed " + u.attempts
                        + " times at sigma " + ev.sigma + ": " + reason, ev.shadow);
                continue;
            }
            u.avoid = failedWorker;
            queue.addFirst(u);
        }
    }
}
