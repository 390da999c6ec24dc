package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.TiledDenoiser;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
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
 *
 * <p>The policy and state live in {@link BatchQueue}; this actor turns messages into its calls and
 * its decisions into messages, timers and watches.
 */
public final class Batcher extends AbstractBehavior<Batcher.Command> {

    public sealed interface Command {}

    /** Denoise {@code x} at {@code sigma} for a job's step; the answer goes to {@code replyTo}. */
    public record Enqueue(String jobId, int seq, ImageBatch x, double sigma, ActorRef<JobActor.Command> replyTo)
            implements Command {}

    /** The same for a diagnostic (shadow) evaluation: answered as such, and it does not bring the job back here. */
    public record EnqueueShadow(String jobId, int seq, ImageBatch x, double sigma, ActorRef<JobActor.Command> replyTo)
            implements Command {}

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

    private final BatchQueue<ActorRef<Worker.Command>, ActorRef<JobActor.Command>> queue;

    public static Behavior<Command> create(String model, Denoiser denoiser, EngineConfig config, EngineObserver observer,
                                           WorkerCensus census) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Batcher(ctx, timers, model, denoiser, config, observer,
                census)));
    }

    private Batcher(ActorContext<Command> ctx, TimerScheduler<Command> timers, String model, Denoiser denoiser,
                    EngineConfig config, EngineObserver observer, WorkerCensus census) {
        super(ctx);
        long period = Math.max(50, Math.min(1000, config.noWorkerTimeout().toMillis() / 10));
        timers.startTimerWithFixedDelay(STARVED_TIMER, new CheckStarved(), Duration.ofMillis(period));
        BatchQueue.Tiling tiling = denoiser instanceof TiledDenoiser t ? t::tasks : null;
        this.queue = new BatchQueue<>(model, config.maxBatch(), config.maxWait().toNanos(), config.maxRetries(),
                config.noWorkerTimeout().toNanos(), tiling, System::nanoTime,
                new ActorOutbox(ctx, timers, model, Route.of(denoiser.role()), observer, census));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, e -> handled(() -> queue.enqueue(e.jobId(), e.seq(), e.x(), e.sigma(), e.replyTo(),
                        false)))
                .onMessage(EnqueueShadow.class, e -> handled(() -> queue.enqueue(e.jobId(), e.seq(), e.x(), e.sigma(),
                        e.replyTo(), true)))
                .onMessage(Ready.class, r -> handled(() -> queue.workerReady(r.worker())))
                .onMessage(WorkDone.class, d -> handled(() -> queue.completed(d.batchId(), d.worker(), d.values(),
                        d.computeNanos())))
                .onMessage(WorkFailed.class, f -> handled(() -> queue.failed(f.batchId(), f.worker(), f.kind(), f.message())))
                .onMessage(WorkerStopped.class, s -> handled(() -> queue.workerLost(s.worker())))
                .onMessage(DropJob.class, d -> handled(() -> queue.dropJob(d.jobId())))
                .onMessage(CheckStarved.class, c -> handled(queue::failStarved))
                .onMessage(Forget.class, f -> handled(() -> queue.forget(f.jobId())))
                .onMessage(Flush.class, f -> handled(queue::flush))
                .build();
    }

    /** Every message leaves the behaviour as it is: the state is the queue's. */
    private Behavior<Command> handled(Runnable call) {
        call.run();
        return this;
    }

    /** Carries out the queue's decisions with the actor's context, timers, observer and census. */
    private static final class ActorOutbox
            implements BatchQueue.Outbox<ActorRef<Worker.Command>, ActorRef<JobActor.Command>> {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final String model;
        private final Route route;
        private final EngineObserver observer;
        private final WorkerCensus census;

        ActorOutbox(ActorContext<Command> ctx, TimerScheduler<Command> timers, String model, Route route,
                    EngineObserver observer, WorkerCensus census) {
            this.ctx = ctx;
            this.timers = timers;
            this.model = model;
            this.route = route;
            this.observer = observer;
            this.census = census;
        }

        @Override
        public void send(ActorRef<Worker.Command> worker, BatchQueue.Batch batch) {
            worker.tell(new Worker.Work(batch.id(), batch.images(), batch.sigmas(), batch.tiles(), ctx.getSelf()));
        }

        @Override
        public void scheduleFlush(long delayNanos) {
            timers.startSingleTimer(new Flush(), Duration.ofNanos(delayNanos));
        }

        @Override
        public void evaluated(ActorRef<JobActor.Command> replyTo, int seq, ImageBatch x0, boolean shadow) {
            replyTo.tell(shadow ? new JobActor.ShadowEvaluated(seq, x0) : new JobActor.Evaluated(seq, x0, model));
        }

        @Override
        public void evaluationFailed(ActorRef<JobActor.Command> replyTo, int seq, String message, boolean shadow) {
            replyTo.tell(shadow ? new JobActor.ShadowFailed(seq, message) : new JobActor.EvaluationFailed(seq, message));
        }

        @Override
        public void executed(int units, int images, long queueWaitNanos, long computeNanos) {
            observer.modelExecuted(model, route, units, images, queueWaitNanos, computeNanos);
        }

        @Override
        public void modelFailed(String kind) {
            observer.modelFailed(model, kind);
        }

        @Override
        public void workerJoined(ActorRef<Worker.Command> worker) {
            ctx.watchWith(worker, new WorkerStopped(worker));
        }

        @Override
        public void workerCount(int workers) {
            census.set(model, workers);
        }
    }
}
