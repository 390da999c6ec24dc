package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.routing.Mode;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/** Routes each evaluation of a step to the batcher of the model the router plan names for its sigma and mode. */
public final class StepRouter extends AbstractBehavior<StepRouter.Command> {

    public sealed interface Command {}

    /** A step's evaluation of a job: the plan picks its model. */
    public record RouteStep(String jobId, int seq, Mode mode, ImageBatch x, double sigma,
                            ActorRef<JobActor.Command> replyTo) implements Command {}

    /** A diagnostic evaluation on a named model (the other route's); not a step, so the job's routing is untouched. */
    public record RouteShadow(String jobId, int seq, String model, ImageBatch x, double sigma,
                              ActorRef<JobActor.Command> replyTo) implements Command {}

    public record DropJob(String jobId) implements Command {}

    /** The job completed (its stream is done; shadow evaluations may still be running). */
    public record JobFinished(String jobId) implements Command {}

    private final ModelSet models;
    private final Map<String, ActorRef<Batcher.Command>> batchers;
    private final EngineObserver observer;
    /** The model of each running job's last evaluation: that batcher expects the job back. */
    private final Map<String, String> lastModel = new java.util.HashMap<>();

    public static Behavior<Command> create(ModelSet models, Map<String, ActorRef<Batcher.Command>> batchers, EngineObserver observer) {
        return Behaviors.setup(ctx -> new StepRouter(ctx, models, batchers, observer));
    }

    private StepRouter(ActorContext<Command> ctx, ModelSet models, Map<String, ActorRef<Batcher.Command>> batchers,
                       EngineObserver observer) {
        super(ctx);
        this.models = models;
        this.batchers = Map.copyOf(batchers);
        this.observer = observer;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RouteStep.class, this::onRoute)
                .onMessage(RouteShadow.class, this::onShadow)
                .onMessage(DropJob.class, this::onDrop)
                .onMessage(JobFinished.class, f -> {
                    forgetAt(lastModel.remove(f.jobId()), f.jobId());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onRoute(RouteStep step) {
        String model = models.modelFor(step.mode(), step.sigma());
        observer.stepRouted(models.route(model), model);
        String previous = lastModel.put(step.jobId(), model);
        if (!model.equals(previous)) {
            forgetAt(previous, step.jobId());
        }
        batchers.get(model).tell(new Batcher.Enqueue(step.jobId(), step.seq(), step.x(), step.sigma(), step.replyTo()));
        return this;
    }

    private Behavior<Command> onShadow(RouteShadow shadow) {
        batchers.get(shadow.model()).tell(new Batcher.EnqueueShadow(shadow.jobId(), shadow.seq(), shadow.x(), shadow.sigma(),
                shadow.replyTo()));
        return this;
    }

    private void forgetAt(String model, String jobId) {
        if (model != null) {
            batchers.get(model).tell(new Batcher.Forget(jobId));
        }
    }

    private Behavior<Command> onDrop(DropJob drop) {
        lastModel.remove(drop.jobId());
        batchers.values().forEach(b -> b.tell(new Batcher.DropJob(drop.jobId())));
        return this;
    }
}
