package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.TiledDenoiser;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The dynamic batcher of one model, as Triton's: merges the evaluations of many jobs into model
 * calls of at most {@code maxBatch} images and splits the results back. Work is cut into units
 * (an image, or a tile of an image for a tiled local model), so one evaluation may be spread over
 * several calls and workers. Idle workers pull. A partial batch waits, at most {@code maxWait}, only
 * while jobs this batcher has just answered have not sent their next evaluation: those are the
 * ones about to arrive (a batch's worth comes back microseconds apart), while a lone request never
 * waits. A failed unit goes back to the front of the queue, to another
 * worker where there is one, up to {@code maxRetries} times; then its evaluation fails alone.
 * While the model has no worker at all (a cluster whose worker nodes are gone), work stays queued
 * up to {@code noWorkerTimeout}, in case a worker comes back; then its evaluations fail with an
 * error naming the model.
 */
public final class Batcher extends AbstractBehavior<Batcher.Command> {

    public sealed interface Command {}

    /** Denoise {@code x} at {@code sigma} for a job; the answer goes to {@code replyTo}. Shadow work is a diagnostic. */
    public record Enqueue(String jobId, int seq, ImageBatch x, double sigma, ActorRef<JobActor.Command> replyTo,
                          boolean shadow) implements Command {}

    /** A worker is idle (it started, or restarted after a failure). */
    public record Ready(ActorRef<Worker.Command> worker) implements Command, CborSerializable {}

    /** A batch's result; the worker is idle again. */
    public record WorkDone(long batchId, ActorRef<Worker.Command> worker, float[] values, long computeNanos)
            implements Command, CborSerializable {}

    public record WorkFailed(long batchId, ActorRef<Worker.Command> worker, String kind, String message)
            implements Command, CborSerializable {}

    /** Forget a job's queued and running work (it was cancelled). */
    public record DropJob(String jobId) implements Command {}

    /** The job's next evaluation goes elsewhere (another model, or it finished): stop expecting it. */
    public record Forget(String jobId) implements Command {}

    private record Flush() implements Command {}

    private record WorkerStopped(ActorRef<Worker.Command> worker) implements Command {}

    /** While there is no worker: fail the work that has waited past noWorkerTimeout. */
    private record CheckStarved() implements Command {}

    private static final String STARVED_TIMER = "starved";

    /** One evaluation of one job: its images, where the x0 estimates collect, how many units are left. */
    private static final class Evaluation {
        final String jobId;
        final int seq;
        final ImageBatch x;
        final double sigma;
        final ActorRef<JobActor.Command> replyTo;
        final boolean shadow;
        final float[] x0;
        final int unitsPerImage;
        int unitsLeft;
        boolean closed;

        Evaluation(Enqueue e, int units) {
            jobId = e.jobId();
            seq = e.seq();
            x = e.x();
            sigma = e.sigma();
            replyTo = e.replyTo();
            shadow = e.shadow();
            x0 = new float[e.x().data().length];
            unitsPerImage = units / e.x().count();
            unitsLeft = units;
        }
    }

    /** An image of an evaluation, or one tile of it. */
    private static final class Unit {
        final Evaluation evaluation;
        final int image;
        final TiledDenoiser.TileTask tile;
        final long enqueuedNanos;
        int attempts;
        ActorRef<Worker.Command> avoid;

        Unit(Evaluation evaluation, int image, TiledDenoiser.TileTask tile, long enqueuedNanos) {
            this.evaluation = evaluation;
            this.image = image;
            this.tile = tile;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /** A batch at a worker, with the mean time its units queued. */
    private record InFlight(ActorRef<Worker.Command> worker, List<Unit> units, int images, long queueWaitNanos) {}

    /** An image of an evaluation; Evaluation has identity equality, so this is a map key. */
    private record ImageKey(Evaluation evaluation, int image) {}

    private final String model;
    private final Route route;
    private final TiledDenoiser tiled;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int maxRetries;
    private final EngineObserver observer;
    private final WorkerCensus census;
    private final long noWorkerNanos;
    /** When the batcher last had no worker (its start, or its last worker's loss). */
    private long starvedSince = System.nanoTime();
    private final TimerScheduler<Command> timers;
    private final Deque<Unit> queue = new ArrayDeque<>();
    private final Set<ActorRef<Worker.Command>> workers = new LinkedHashSet<>();
    private final Set<ActorRef<Worker.Command>> idle = new LinkedHashSet<>();
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private final Set<String> expected = new java.util.HashSet<>();
    private long nextBatchId;
    private boolean flushScheduled;

    public static Behavior<Command> create(String model, Denoiser denoiser, EngineConfig config, EngineObserver observer,
                                           WorkerCensus census) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Batcher(ctx, timers, model, denoiser, config, observer,
                census)));
    }

    private Batcher(ActorContext<Command> ctx, TimerScheduler<Command> timers, String model, Denoiser denoiser,
                    EngineConfig config, EngineObserver observer, WorkerCensus census) {
        super(ctx);
        this.census = census;
        this.noWorkerNanos = config.noWorkerTimeout().toNanos();
        startStarvedChecks(timers, config);
        this.timers = timers;
        this.model = model;
        this.route = Route.of(denoiser.role());
        this.tiled = denoiser instanceof TiledDenoiser t ? t : null;
        this.maxBatch = config.maxBatch();
        this.maxWaitNanos = config.maxWait().toNanos();
        this.maxRetries = config.maxRetries();
        this.observer = observer;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(Ready.class, this::onReady)
                .onMessage(WorkDone.class, this::onWorkDone)
                .onMessage(WorkFailed.class, this::onWorkFailed)
                .onMessage(WorkerStopped.class, this::onWorkerStopped)
                .onMessage(DropJob.class, this::onDropJob)
                .onMessage(CheckStarved.class, c -> onCheckStarved())
                .onMessage(Forget.class, f -> {
                    expected.remove(f.jobId());
                    dispatch(false);
                    return this;
                })
                .onMessage(Flush.class, f -> {
                    flushScheduled = false;
                    expected.clear(); // who has not come back within maxWait went elsewhere or finished
                    dispatch(true);
                    return this;
                })
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue e) {
        if (!e.shadow()) {
            expected.remove(e.jobId());
        }
        long now = System.nanoTime();
        if (tiled != null) {
            List<TiledDenoiser.TileTask> tasks = tiled.tasks(e.x().count(), e.x().height(), e.x().width());
            Evaluation evaluation = new Evaluation(e, tasks.size());
            for (TiledDenoiser.TileTask task : tasks) {
                queue.addLast(new Unit(evaluation, task.image(), task, now));
            }
        } else {
            Evaluation evaluation = new Evaluation(e, e.x().count());
            for (int i = 0; i < e.x().count(); i++) {
                queue.addLast(new Unit(evaluation, i, null, now));
            }
        }
        dispatch(false);
        return this;
    }

    private static void startStarvedChecks(TimerScheduler<Command> timers, EngineConfig config) {
        long period = Math.max(50, Math.min(1000, config.noWorkerTimeout().toMillis() / 10));
        timers.startTimerWithFixedDelay(STARVED_TIMER, new CheckStarved(), Duration.ofMillis(period));
    }

    private Behavior<Command> onReady(Ready r) {
        if (workers.add(r.worker())) {
            getContext().watchWith(r.worker(), new WorkerStopped(r.worker()));
            census.set(model, workers.size());
        }
        idle.add(r.worker());
        dispatch(false);
        return this;
    }

    /** Units per call: maxBatch images, or that many images' worth of tiles. */
    private int maxUnits(Unit head) {
        return maxBatch * head.evaluation.unitsPerImage;
    }

    /** Hands batches to idle workers: full ones at once, partial ones after maxWait (or when forced by the timer). */
    private void dispatch(boolean force) {
        while (!idle.isEmpty() && !queue.isEmpty()) {
            Unit head = queue.peekFirst();
            int limit = maxUnits(head);
            long waited = System.nanoTime() - head.enqueuedNanos;
            if (queue.size() < limit && !expected.isEmpty() && waited < maxWaitNanos && !force) {
                if (!flushScheduled) {
                    flushScheduled = true;
                    timers.startSingleTimer(new Flush(), Duration.ofNanos(maxWaitNanos - waited));
                }
                return;
            }
            ActorRef<Worker.Command> worker = pickWorker(head);
            if (worker == null) {
                return; // the only idle worker just failed this work; wait for another
            }
            idle.remove(worker);
            send(worker, takeBatch(worker, limit));
        }
    }

    private ActorRef<Worker.Command> pickWorker(Unit head) {
        for (ActorRef<Worker.Command> w : idle) {
            if (!w.equals(head.avoid) || workers.size() == 1) {
                return w;
            }
        }
        return null;
    }

    private List<Unit> takeBatch(ActorRef<Worker.Command> worker, int limit) {
        List<Unit> batch = new ArrayList<>(Math.min(limit, queue.size()));
        Iterator<Unit> it = queue.iterator();
        while (it.hasNext() && batch.size() < limit) {
            Unit u = it.next();
            if (u.avoid != null && u.avoid.equals(worker) && workers.size() > 1) {
                continue; // retried work goes to another worker
            }
            it.remove();
            batch.add(u);
        }
        return batch;
    }

    private void send(ActorRef<Worker.Command> worker, List<Unit> units) {
        // the distinct images of the batch, each with its evaluation's sigma; tiles point into them
        Map<ImageKey, Integer> index = new LinkedHashMap<>();
        List<ImageBatch> images = new ArrayList<>();
        List<Double> sigmas = new ArrayList<>();
        List<TiledDenoiser.TileTask> tiles = new ArrayList<>();
        long now = System.nanoTime();
        long waitSum = 0;
        for (Unit u : units) {
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
        inFlight.put(id, new InFlight(worker, units, images.size(), waitSum / units.size()));
        worker.tell(new Worker.Work(id, ImageBatch.concat(images), sigmas.stream().mapToDouble(Double::doubleValue).toArray(),
                List.copyOf(tiles), getContext().getSelf()));
    }

    private Behavior<Command> onWorkDone(WorkDone done) {
        InFlight batch = inFlight.remove(done.batchId());
        idle.add(done.worker());
        if (batch != null) {
            observer.modelExecuted(model, route, batch.units().size(), batch.images(), batch.queueWaitNanos(), done.computeNanos());
            scatter(batch.units(), done.values());
        }
        dispatch(false);
        return this;
    }

    /** Copies each unit's x0 into its evaluation and answers the evaluations that are complete. */
    private void scatter(List<Unit> units, float[] values) {
        int offset = 0;
        for (Unit u : units) {
            Evaluation ev = u.evaluation;
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
                    ev.replyTo.tell(new JobActor.Evaluated(ev.seq, new ImageBatch(x.count(), x.channels(), x.height(),
                            x.width(), ev.x0), model, ev.shadow));
                }
            }
            offset += size;
        }
    }

    private Behavior<Command> onWorkFailed(WorkFailed failed) {
        // the worker restarts and says Ready again; it is not idle until then
        InFlight batch = inFlight.remove(failed.batchId());
        observer.modelFailed(model, failed.kind());
        if (batch != null) {
            retry(batch.units(), failed.worker(), failed.message());
        }
        dispatch(false);
        return this;
    }

    private Behavior<Command> onWorkerStopped(WorkerStopped stopped) {
        if (workers.remove(stopped.worker())) {
            census.set(model, workers.size());
            if (workers.isEmpty()) {
                starvedSince = System.nanoTime();
            }
        }
        idle.remove(stopped.worker());
        List<Long> lost = new ArrayList<>();
        inFlight.forEach((id, b) -> {
            if (b.worker().equals(stopped.worker())) {
                lost.add(id);
            }
        });
        for (long id : lost) {
            observer.modelFailed(model, "worker_lost");
            retry(inFlight.remove(id).units(), stopped.worker(), "its worker stopped");
        }
        dispatch(false);
        return this;
    }

    /** Puts failed units back at the front of the queue, or fails their evaluation once out of retries. */
    private void retry(List<Unit> units, ActorRef<Worker.Command> failedWorker, String reason) {
        for (int i = units.size() - 1; i >= 0; i--) {
            Unit u = units.get(i);
            Evaluation ev = u.evaluation;
            if (ev.closed) {
                continue;
            }
            u.attempts++;
            if (u.attempts > maxRetries) {
                ev.closed = true;
                queue.removeIf(q -> q.evaluation == ev);
                ev.replyTo.tell(new JobActor.EvaluationFailed(ev.seq, "model '" + model + "' failed " + u.attempts
                        + " times at sigma " + ev.sigma + ": " + reason, ev.shadow));
                continue;
            }
            u.avoid = failedWorker;
            queue.addFirst(u);
        }
    }

    /** With no worker, fails every evaluation whose work has waited for one longer than noWorkerTimeout. */
    private Behavior<Command> onCheckStarved() {
        if (!workers.isEmpty() || queue.isEmpty()) {
            return this;
        }
        long now = System.nanoTime();
        List<Evaluation> starved = new ArrayList<>();
        for (Unit u : queue) {
            if (now - Math.max(u.enqueuedNanos, starvedSince) >= noWorkerNanos && !starved.contains(u.evaluation)) {
                starved.add(u.evaluation);
            }
        }
        for (Evaluation ev : starved) {
            ev.closed = true;
            queue.removeIf(q -> q.evaluation == ev);
            observer.modelFailed(model, "no_worker");
            ev.replyTo.tell(new JobActor.EvaluationFailed(ev.seq, "no worker for model '" + model + "' for "
                    + noWorkerNanos / 1_000_000_000.0 + " s (no worker node of the cluster runs it)", ev.shadow));
        }
        return this;
    }

    private Behavior<Command> onDropJob(DropJob drop) {
        expected.remove(drop.jobId());
        queue.removeIf(u -> u.evaluation.jobId.equals(drop.jobId()));
        for (InFlight b : inFlight.values()) {
            for (Unit u : b.units()) {
                if (u.evaluation.jobId.equals(drop.jobId())) {
                    u.evaluation.closed = true;
                }
            }
        }
        return this;
    }
}
