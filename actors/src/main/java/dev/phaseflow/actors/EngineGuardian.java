package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import reactor.core.publisher.FluxSink;

/**
 * The engine's root: a batcher and a pool of pulling workers per model (workers on the
 * inference dispatcher, never the default one), the step router, and a job actor per request.
 */
public final class EngineGuardian extends AbstractBehavior<EngineGuardian.Command> {
    public static final String INFERENCE_DISPATCHER = "phaseflow.inference-dispatcher";

    public sealed interface Command {}

    public record StartJob(RunReporter reporter, FluxSink<SampleEvent> sink) implements Command {}

    private final ActorRef<StepRouter.Command> router;
    private final EngineObserver observer;
    private long jobs;

    public static Behavior<Command> create(ModelSet models, EngineConfig config, EngineObserver observer) {
        return Behaviors.setup(ctx -> new EngineGuardian(ctx, models, config, observer));
    }

    private EngineGuardian(ActorContext<Command> ctx, ModelSet models, EngineConfig config, EngineObserver observer) {
        super(ctx);
        this.observer = observer;
        Map<String, ActorRef<Batcher.Command>> batchers = new LinkedHashMap<>();
        for (Map.Entry<String, Denoiser> e : models.denoisers().entrySet()) {
            String model = e.getKey();
            ActorRef<Batcher.Command> batcher = ctx.spawn(Batcher.create(model, e.getValue(), config, observer), "batcher-" + model);
            for (int i = 0; i < config.workersPerModel(); i++) {
                ctx.spawn(Worker.create(model, e.getValue(), batcher), "worker-" + model + "-" + i,
                        DispatcherSelector.fromConfig(INFERENCE_DISPATCHER));
            }
            batchers.put(model, batcher);
        }
        this.router = ctx.spawn(StepRouter.create(models, batchers, observer), "router");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(StartJob.class, this::onStart).build();
    }

    private Behavior<Command> onStart(StartJob start) {
        getContext().spawn(JobActor.create(start.reporter(), start.sink(), router, observer), "job-" + (jobs++));
        return this;
    }
}
