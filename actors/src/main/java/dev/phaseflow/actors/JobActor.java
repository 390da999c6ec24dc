package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SamplingException;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import reactor.core.publisher.FluxSink;

/**
 * One request: holds its {@link SamplingRun} (x, step index, solver history), sends each
 * evaluation to its model's batcher through its {@link StepRoutes}, applies the solver update,
 * and emits events into the request's sink only as the subscriber asks for them. The job is in one of three phases, each its own
 * behaviour:
 * <ul>
 *   <li>{@link #evaluating}: one evaluation is out at a batcher, nothing waits for demand;</li>
 *   <li>{@link #waitingForDemand}: events wait for the subscriber; the job computes nothing more,
 *       so a slow reader slows its own job and nobody else's;</li>
 *   <li>{@link #awaitingShadows}: the stream has completed, the last shadow evaluations still
 *       get recorded (for a while).</li>
 * </ul>
 * With diagnostics, some evaluations are shadowed by the other route's model and some requests'
 * x0 estimates are classified; neither touches the run.
 */
public final class JobActor {

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
    static final Duration SHADOW_GRACE = Duration.ofSeconds(30);

    private static final String DEADLINE_TIMER = "deadline";
    private static final String SHADOW_TIMER = "shadow-grace";

    /** The served side of a shadowed evaluation, waiting for the other model's answer. */
    private record Shadow(double sigma, Route servedRoute, ImageBatch served) {}

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final RunReporter reporter;
    private final ModelSet models;
    private final FluxSink<SampleEvent> sink;
    private final StepRoutes routes;
    private final EngineObserver observer;
    private final JobDiagnostics diagnostics;
    private final SamplingRun run;
    private final Deque<SampleEvent> outbox = new ArrayDeque<>();
    private final Map<Integer, Shadow> shadows = new HashMap<>();
    private final long startNanos = System.nanoTime();
    /** Number of evaluations accepted so far; the seq of the next one. */
    private int seq;
    /**
     * The job ended its stream itself. Pekko hands PostStop to the phase that returned stopped, so a
     * live phase's PostStop needs this to tell its own end from being stopped from outside.
     */
    private boolean streamEnded;

    /** Past {@code deadline} from now the run ends with an error event (counted as failed). */
    public static Behavior<Command> create(RunReporter reporter, ModelSet models, FluxSink<SampleEvent> sink,
                                           StepRoutes routes, EngineObserver observer,
                                           JobDiagnostics diagnostics, Duration deadline) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startSingleTimer(DEADLINE_TIMER,
                    new Abort("the request ran past its timeout of " + deadline.toMillis() / 1000.0 + " s"), deadline);
            return new JobActor(ctx, timers, reporter, models, sink, routes, observer, diagnostics).start();
        }));
    }

    private JobActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, RunReporter reporter, ModelSet models,
                     FluxSink<SampleEvent> sink, StepRoutes routes, EngineObserver observer,
                     JobDiagnostics diagnostics) {
        this.ctx = ctx;
        this.timers = timers;
        this.reporter = reporter;
        this.models = models;
        this.sink = sink;
        this.routes = routes;
        this.observer = observer;
        this.diagnostics = diagnostics;
        this.run = reporter.newRun();
    }

    private Behavior<Command> start() {
        observer.requestStarted(reporter.requestId(), reporter.request().count());
        sink.onRequest(n -> ctx.getSelf().tell(new Demand()));
        sink.onCancel(() -> ctx.getSelf().tell(new Cancelled()));
        outbox.add(reporter.started());
        ctx.getSelf().tell(new Demand()); // demand may predate the callback
        return waitingForDemand();
    }

    // ---- phases ----

    /** Evaluation {@code seq} at {@code pending} is out; the outbox is empty. */
    private Behavior<Command> evaluating(Solver.Evaluation pending) {
        int expected = seq;
        return Behaviors.receive(Command.class)
                .onMessage(Evaluated.class, e -> e.seq() == expected ? onEvaluated(e, pending) : Behaviors.same())
                .onMessage(EvaluationFailed.class, f -> f.seq() == expected ? fail(f.message()) : Behaviors.same())
                .onMessage(Demand.class, d -> sink.isCancelled() ? cancelled() : Behaviors.same())
                .onMessage(ShadowEvaluated.class, this::recordShadow)
                .onMessage(ShadowFailed.class, this::skipShadow)
                .onMessage(Cancelled.class, c -> cancelled())
                .onMessage(Abort.class, a -> fail(a.reason()))
                .onSignal(PostStop.class, s -> stoppedFromOutside())
                .build();
    }

    /** Events wait in the outbox for demand; no evaluation is out (answers now are late ones to retried work). */
    private Behavior<Command> waitingForDemand() {
        return Behaviors.receive(Command.class)
                .onMessage(Demand.class, d -> advance())
                .onMessage(ShadowEvaluated.class, this::recordShadow)
                .onMessage(ShadowFailed.class, this::skipShadow)
                .onMessage(Cancelled.class, c -> cancelled())
                .onMessage(Abort.class, a -> fail(a.reason()))
                .onMessage(Evaluated.class, e -> Behaviors.same())
                .onMessage(EvaluationFailed.class, f -> Behaviors.same())
                .onSignal(PostStop.class, s -> stoppedFromOutside())
                .build();
    }

    /** The stream has completed; the job stops at its last shadow answer or at the grace timeout. */
    private Behavior<Command> awaitingShadows() {
        return Behaviors.receive(Command.class)
                .onMessage(ShadowEvaluated.class, e -> {
                    recordShadow(e);
                    return shadows.isEmpty() ? Behaviors.stopped() : Behaviors.same();
                })
                .onMessage(ShadowFailed.class, f -> {
                    skipShadow(f);
                    return shadows.isEmpty() ? Behaviors.stopped() : Behaviors.same();
                })
                .onMessage(ShadowsTimedOut.class, t -> Behaviors.stopped())
                .onAnyMessage(m -> Behaviors.same()) // demand, cancel, abort and late answers: the stream is over
                .build();
    }

    // ---- transitions ----

    private Behavior<Command> onEvaluated(Evaluated e, Solver.Evaluation pending) {
        try {
            maybeShadow(pending, e);
            seq++;
            reporter.evaluated(e.model());
            run.accept(e.x0(), e.model()).ifPresent(step -> {
                outbox.add(reporter.step(step));
                diagnostics.stepEstimated(step.sigma(), step.x0());
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

    /** Emits what demand allows; asks for the next evaluation once everything is out; completes at the end. */
    private Behavior<Command> advance() {
        if (sink.isCancelled()) {
            return cancelled();
        }
        while (!outbox.isEmpty() && sink.requestedFromDownstream() > 0) {
            sink.next(outbox.poll());
        }
        if (!outbox.isEmpty()) {
            return waitingForDemand();
        }
        if (run.done()) {
            return complete();
        }
        Solver.Evaluation next = run.pending();
        routes.step(seq, next.x(), next.sigma(), ctx.getSelf());
        return evaluating(next);
    }

    private Behavior<Command> complete() {
        routes.finished();
        endStream(EngineObserver.Outcome.COMPLETED);
        sink.complete();
        diagnostics.finished();
        if (shadows.isEmpty()) {
            return Behaviors.stopped();
        }
        timers.cancel(DEADLINE_TIMER);
        timers.startSingleTimer(SHADOW_TIMER, new ShadowsTimedOut(), SHADOW_GRACE);
        return awaitingShadows();
    }

    private Behavior<Command> fail(String message) {
        routes.dropped();
        diagnostics.abandoned();
        endStream(EngineObserver.Outcome.FAILED);
        sink.error(new SamplingException("request " + reporter.requestId() + " failed: " + message));
        return Behaviors.stopped();
    }

    private Behavior<Command> cancelled() {
        routes.dropped();
        diagnostics.abandoned();
        endStream(EngineObserver.Outcome.CANCELLED);
        return Behaviors.stopped();
    }

    /** A live job stopped by others (the actor system terminating): its stream still gets an end. */
    private Behavior<Command> stoppedFromOutside() {
        if (!streamEnded) {
            endStream(EngineObserver.Outcome.FAILED);
            sink.error(new SamplingException("request " + reporter.requestId() + " failed: the engine stopped"));
        }
        return Behaviors.same();
    }

    /** Counted before the stream ends, so whoever sees the end also sees the count. */
    private void endStream(EngineObserver.Outcome outcome) {
        streamEnded = true;
        observer.requestFinished(reporter.requestId(), outcome, reporter.request().count(), System.nanoTime() - startNanos);
    }

    // ---- shadow evaluations (diagnostics) ----

    /** On the steps the diagnostics pick, asks the other route's model to denoise the same x. */
    private void maybeShadow(Solver.Evaluation evaluation, Evaluated served) {
        if (!diagnostics.shadows(seq)) {
            return;
        }
        Route route = models.route(served.model());
        String other = route == Route.LOCAL ? models.plan().globalModel() : models.plan().localModel();
        shadows.put(seq, new Shadow(evaluation.sigma(), route, served.x0()));
        routes.shadow(seq, other, evaluation.x(), evaluation.sigma(), ctx.getSelf());
    }

    private Behavior<Command> recordShadow(ShadowEvaluated e) {
        Shadow s = shadows.remove(e.seq());
        if (s != null) {
            ImageBatch global = s.servedRoute() == Route.GLOBAL ? s.served() : e.x0();
            ImageBatch local = s.servedRoute() == Route.GLOBAL ? e.x0() : s.served();
            diagnostics.shadowed(s.sigma(), s.servedRoute(), global, local);
        }
        return Behaviors.same();
    }

    private Behavior<Command> skipShadow(ShadowFailed f) {
        shadows.remove(f.seq());
        return Behaviors.same();
    }
}
