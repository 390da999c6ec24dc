package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A sharded daemon process entity on a worker node: it only hosts one {@link Worker} on the
 * engine dispatcher, so sharding places, rebalances and restarts workers across the cluster.
 */
public final class WorkerHost {

    public sealed interface Command extends CborSerializable {}

    /** Sent by sharding to stop the host when it is rebalanced away from a node. */
    public record Stop() implements Command {}

    private WorkerHost() {}

    public static Behavior<Command> create(String model, Denoiser denoiser) {
        return Behaviors.setup(ctx -> {
            ctx.spawn(Worker.discovering(model, denoiser), "worker", EngineGuardian.ON_ENGINE);
            return Behaviors.receive(Command.class).onMessage(Stop.class, s -> Behaviors.stopped()).build();
        });
    }
}
