package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SamplingException;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import reactor.core.publisher.FluxSink;

/**
 * One request: holds its {@link SamplingRun} (x, step index, solver history), asks the step
 * router for each evaluation, applies the solver update, and emits events into the request's
 * sink only as the subscriber asks for them. While events wait for demand the job computes
 * nothing more, so a slow reader slows its own job and nobody else's. With diagnostics on, some
 * evaluations are shadowed by the other route's model and some requests' x0 estimates are
 * classified; neither touches the run.
 */
public final class JobActor extends AbstractBehavior<JobActor.Command> {

    public sealed interface Command {}

    /** The x0 estimate of step {@code seq}, by {@code model}. */
    public record Evaluated(int seq, ImageBatch x0, String model) implements Command {}

    public record EvaluationFailed(int seq, String message) implements Command {}

    /** The other route's x0 estimate for step {@code seq} (diagnostics only). */
    public record ShadowEvaluated(int seq, ImageBatch x0) implements Command {}

    /** A shadow evaluation failed: the diagnostic is skipped, the run is untouched. */
    public record ShadowFailed(int seq, String message) implements Command {}

    /** The subscriber asked for more events. */
    record Demand() implements Command {}

    /** The subscriber cancelled. */
    record Cancelled() implements Command {}

    /** End the run now with an error event (the engine is closing, or the request's deadline passed). */
    public record Abort(String reason) implements Command {}

    /** A finished job stops waiting for its last shadow evaluations. */
    record ShadowsTimedOut() implements Command {}

    /** How long a finished job waits for its outstanding shadow evaluations (diagnostics only). */
    static final java.time.Duration SHADOW_GRACE = java.time.Duration.ofSeconds(30);

    /** The served side of a shadowed evaluation, waiting for the other model's answer. */
    private record Shadow(double sigma, Route servedRoute, ImageBatch served) {}

    private final RunReporter reporter;
    private final ModelSet models;
    private final FluxSink<SampleEvent> sink;
    private final ActorRef<StepRouter.Command> router;
    private final EngineObserver observer;
    private final EngineDiagnostics diagnostics;
    private final ActorRef<CommitmentClassifier.Command> classifier;
    private final SamplingRun run;
    private final Deque<SampleEvent> outbox = new ArrayDeque<>();
    private final Map<Integer, Shadow> shadows = new HashMap<>();
    private final long startNanos = System.nanoTime();
    private int seq;
    private boolean awaiting;
    private boolean finished;
    /** The stream got its end (completed, error) or was cancelled: nothing more may go into the sink. */
    private boolean streamEnded;

    /** {@code diagnostics} and {@code classifier} may be null (no diagnostics, no commitment tracking). */
    public static Behavior<Command> create(RunReporter reporter, ModelSet models, FluxSink<SampleEvent> sink,
                                           ActorRef<StepRouter.Command> router, EngineObserver observer,
                                           EngineDiagnostics diagnostics, ActorRef<CommitmentClassifier.Command> classifier,
                                           java.time.Duration deadline) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            // past its deadline the run ends with an error event (counted as failed); the timer dies with the job
            timers.startSingleTimer(new Abort("the request ran past its timeout of " + deadline.toMillis() / 1000.0 + " s"),
                    deadline);
            return new JobActor(ctx, reporter, models, sink, router, observer, diagnostics, classifier);
        }));
    }

    private JobActor(ActorContext<Command> ctx, RunReporter reporter, ModelSet models, FluxSink<SampleEvent> sink,
                     ActorRef<StepRouter.Command> router, EngineObserver observer, EngineDiagnostics diagnostics,
                     ActorRef<CommitmentClassifier.Command> classifier) {
        super(ctx);
        this.reporter = reporter;
        this.models = models;
        this.sink = sink;
        this.router = router;
        this.observer = observer;
        this.diagnostics = diagnostics;
        this.classifier = classifier != null && diagnostics != null && diagnostics.tracksCommitment(reporter.requestId())
                ? classifier : null;
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
                .onMessage(ShadowEvaluated.class, this::onShadowEvaluated)
                .onMessage(ShadowFailed.class, this::onShadowFailed)
                .onMessage(Demand.class, d -> finished ? this : advance())
                .onMessage(Cancelled.class, c -> finished ? this : onCancelled())
                .onMessage(Abort.class, a -> streamEnded ? this : fail(a.reason()))
                .onMessage(ShadowsTimedOut.class, t -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> onStopped())
                .build();
    }

    /** However the job stops (the actor system terminating too), its stream gets an end. */
    private Behavior<Command> onStopped() {
        if (!streamEnded) {
            streamEnded = true;
            observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.FAILED, reporter.request().count(),
                    System.nanoTime() - startNanos);
            sink.error(new SamplingException("request " + reporter.requestId() + " failed: the engine stopped"));
        }
        return this;
    }

    private Behavior<Command> onEvaluated(Evaluated e) {
        if (e.seq() != seq || !awaiting) {
            return this; // a late answer to work that was retried
        }
        awaiting = false;
        try {
            maybeShadow(run.pending(), e);
            seq++;
            reporter.evaluated(e.model());
            run.accept(e.x0(), e.model()).ifPresent(step -> {
                outbox.add(reporter.step(step));
                if (classifier != null) {
                    classifier.tell(new CommitmentClassifier.Classify(reporter.requestId(), step.sigma(), step.x0()));
                }
            });
            if (run.done()) {
                outbox.addAll(reporter.images(run.x(), 0));
                outbox.add(reporter.completed());
            }
        } catch (RuntimeException ex) {
            return fail("sampling failed: " + ex.getMessage());
        }
        return advance();
    }

    /** On the steps the diagnostics pick, asks the other route's model to denoise the same x. */
    private void maybeShadow(Solver.Evaluation evaluation, Evaluated served) {
        if (diagnostics == null || !diagnostics.diagnostics().shouldShadow(reporter.requestId(), seq)) {
            return;
        }
        Route route = models.route(served.model());
        String other = route == Route.LOCAL ? models.plan().globalModel() : models.plan().localModel();
        shadows.put(seq, new Shadow(evaluation.sigma(), route, served.x0()));
        router.tell(new StepRouter.RouteShadow(reporter.requestId(), seq, other, evaluation.x(), evaluation.sigma(),
                getContext().getSelf()));
    }

    private Behavior<Command> onShadowEvaluated(ShadowEvaluated e) {
        Shadow s = shadows.remove(e.seq());
        if (s != null) {
            ImageBatch global = s.servedRoute() == Route.GLOBAL ? s.served() : e.x0();
            ImageBatch local = s.servedRoute() == Route.GLOBAL ? e.x0() : s.served();
            diagnostics.diagnostics().recordShadow(s.sigma(), s.servedRoute().id(), global.data(), local.data(),
                    global.count(), global.imageSize());
        }
        return finished && shadows.isEmpty() ? Behaviors.stopped() : this;
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
            router.tell(new StepRouter.JobFinished(reporter.requestId()));
            streamEnded = true;
            // counted before the stream ends, so whoever sees the end also sees the count
            observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.COMPLETED, reporter.request().count(),
                    System.nanoTime() - startNanos);
            sink.complete();
            if (classifier != null) {
                classifier.tell(new CommitmentClassifier.Finish(reporter.requestId()));
            }
            return awaitShadows();
        }
        Solver.Evaluation next = run.pending();
        awaiting = true;
        router.tell(new StepRouter.RouteStep(reporter.requestId(), seq, reporter.request().mode(), next.x(), next.sigma(),
                getContext().getSelf()));
        return this;
    }

    /** The request is done; its last shadow evaluations still get recorded (the stream has already completed). */
    private Behavior<Command> awaitShadows() {
        if (shadows.isEmpty()) {
            return Behaviors.stopped();
        }
        finished = true;
        getContext().scheduleOnce(SHADOW_GRACE, getContext().getSelf(), new ShadowsTimedOut());
        return this;
    }

    private Behavior<Command> onFailed(EvaluationFailed f) {
        return f.seq() == seq ? fail(f.message()) : this;
    }

    private Behavior<Command> onShadowFailed(ShadowFailed f) {
        shadows.remove(f.seq());
        return finished && shadows.isEmpty() ? Behaviors.stopped() : this;
    }

    private Behavior<Command> fail(String message) {
        router.tell(new StepRouter.DropJob(reporter.requestId()));
        abandonCommitment();
        streamEnded = true;
        observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.FAILED, reporter.request().count(),
                System.nanoTime() - startNanos);
        sink.error(new SamplingException("request " + reporter.requestId() + " failed: " + message));
        return Behaviors.stopped();
    }

    private Behavior<Command> onCancelled() {
        streamEnded = true;
        router.tell(new StepRouter.DropJob(reporter.requestId()));
        abandonCommitment();
        observer.requestFinished(reporter.requestId(), EngineObserver.Outcome.CANCELLED, reporter.request().count(),
                System.nanoTime() - startNanos);
        return Behaviors.stopped();
    }

    private void abandonCommitment() {
        if (classifier != null) {
            classifier.tell(new CommitmentClassifier.Abandon(reporter.requestId()));
        }
    }
}
