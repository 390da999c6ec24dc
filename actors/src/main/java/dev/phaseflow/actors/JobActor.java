package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SamplingException;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solver;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import reactor.core.publisher.FluxSink;

/**
 * One request: holds its {@link SamplingRun} (x, step index, solver history), asks the step
 * router for each evaluation, applies the solver update, and emits events into the request's
 * sink only as the subscriber asks for them. While events wait for demand the job computes
 * nothing more, so a slow reader slows its own job and nobody else's.
 */
public final class JobActor extends AbstractBehavior<JobActor.Command> {

    public sealed interface Command {}

    public record Evaluated(int seq, ImageBatch x0, String model) implements Command {}

    public record EvaluationFailed(int seq, String message) implements Command {}

    /** The subscriber asked for more events. */
    record Demand() implements Command {}

    /** The subscriber cancelled. */
    record Cancelled() implements Command {}

    private final RunReporter reporter;
    private final FluxSink<SampleEvent> sink;
    private final ActorRef<StepRouter.Command> router;
    private final EngineObserver observer;
    private final SamplingRun run;
    private final Deque<SampleEvent> outbox = new ArrayDeque<>();
    private final long startNanos = System.nanoTime();
    private int seq;
    private boolean awaiting;

    public static Behavior<Command> create(RunReporter reporter, FluxSink<SampleEvent> sink,
                                           ActorRef<StepRouter.Command> router, EngineObserver observer) {
        return Behaviors.setup(ctx -> new JobActor(ctx, reporter, sink, router, observer));
    }

    private JobActor(ActorContext<Command> ctx, RunReporter reporter, FluxSink<SampleEvent> sink,
                     ActorRef<StepRouter.Command> router, EngineObserver observer) {
        super(ctx);
        this.reporter = reporter;
        this.sink = sink;
        this.router = router;
        this.observer = observer;
        this.run = reporter.newRun();
        observer.requestStarted(reporter.requestId(), reporter.request().count());
        sink.onRequest(n -> ctx.getSelf().tell(new Demand()));
        sink.onCancel(() -> ctx.getSelf().tell(new Cancelled()));
        outbox.add(reporter.started());
        ctx.getSelf().tell(new Demand()); // demand may predate the callback
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Evaluated.class, this::onEvaluated)
                .onMessage(EvaluationFailed.class, this::onFailed)
                .onMessage(Demand.class, d -> advance())
                .onMessage(Cancelled.class, c -> onCancelled())
                .build();
    }

    private Behavior<Command> onEvaluated(Evaluated e) {
        if (e.seq() != seq || !awaiting) {
            return this; // a late answer to work that was retried
        }
        awaiting = false;
        seq++;
        try {
            reporter.evaluated(e.model());
            run.accept(e.x0(), e.model()).ifPresent(step -> outbox.add(reporter.step(step)));
            if (run.done()) {
                outbox.addAll(reporter.images(run.x(), 0));
                outbox.add(reporter.completed());
            }
        } catch (RuntimeException ex) {
            return fail("sampling failed: " + ex.getMessage());
        }
        return advance();
    }

    /** Emits what demand allows; asks for the next evaluation once everything is out; completes at the end. */
    private Behavior<Command> advance() {
        if (sink.isCancelled()) {
            return onCancelled();
        }
        while (!outbox.isEmpty() && sink.requestedFromDownstream() > 0) {
            sink.next(outbox.poll());
        }
        if (!outbox.isEmpty() || awaiting) {
            return this;
        }
        if (run.done()) {
            sink.complete();
            observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.COMPLETED, reporter.request().count(),
                    System.nanoTime() - startNanos);
            return Behaviors.stopped();
        }
        Solver.Evaluation next = run.pending();
        awaiting = true;
        router.tell(new StepRouter.RouteStep(reporter.requestId(), seq, reporter.request().mode(), next.x(), next.sigma(),
                getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onFailed(EvaluationFailed f) {
        return f.seq() == seq ? fail(f.message()) : this;
    }

    private Behavior<Command> fail(String message) {
        router.tell(new StepRouter.DropJob(reporter.requestId()));
        sink.error(new SamplingException("request " + reporter.requestId() + " failed: " + message));
        observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.FAILED, reporter.request().count(),
                System.nanoTime() - startNanos);
        return Behaviors.stopped();
    }

    private Behavior<Command> onCancelled() {
        router.tell(new StepRouter.DropJob(reporter.requestId()));
        observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.CANCELLED, reporter.request().count(),
                System.nanoTime() - startNanos);
        return Behaviors.stopped();
    }
}
