package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelOutputException;
import dev.phaseflow.models.TiledDenoiser;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Runs one model's calls, one batch at a time, on the engine dispatcher (a call blocks one of
 * its threads).
 * Pulls: says Ready to its batchers when it starts and answers each batch with its result, which
 * makes it idle again for that batcher. A failed call is reported (the batcher retries the work
 * elsewhere) and then restarts the worker. In a cluster the worker finds the batchers of its model
 * on the frontend nodes through the receptionist.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

    public sealed interface Command {}

    /**
     * A batch: images with one sigma each; for a tiled local model the tiles to compute (image indices into
     * {@code images}), else empty and every image is denoised whole. The result goes to {@code replyTo}.
     */
    public record Work(long batchId, ImageBatch images, double[] sigma, List<TiledDenoiser.TileTask> tiles,
                       ActorRef<Batcher.Command> replyTo) implements Command, CborSerializable {}

    private record BatchersChanged(Receptionist.Listing listing) implements Command {}

    /** Where a model's batchers register, so workers on other nodes find them. */
    public static ServiceKey<Batcher.Command> batcherKey(String model) {
        return ServiceKey.create(Batcher.Command.class, "phaseflow-batcher-" + model);
    }

    private final String model;
    private final Denoiser denoiser;
    private final Set<ActorRef<Batcher.Command>> batchers = new LinkedHashSet<>();

    /** A worker of a local engine, pulling from one batcher. */
    public static Behavior<Command> create(String model, Denoiser denoiser, ActorRef<Batcher.Command> batcher) {
        return supervised(model, denoiser, batcher);
    }

    /** A worker on a cluster node, pulling from every batcher of its model it finds. */
    public static Behavior<Command> discovering(String model, Denoiser denoiser) {
        return supervised(model, denoiser, null);
    }

    private static Behavior<Command> supervised(String model, Denoiser denoiser, ActorRef<Batcher.Command> batcher) {
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new Worker(ctx, model, denoiser, batcher)))
                .onFailure(WorkerFailure.class, SupervisorStrategy.restart());
    }

    private Worker(ActorContext<Command> ctx, String model, Denoiser denoiser, ActorRef<Batcher.Command> batcher) {
        super(ctx);
        this.model = model;
        this.denoiser = denoiser;
        if (batcher != null) {
            batchers.add(batcher);
            batcher.tell(new Batcher.Ready(ctx.getSelf()));
        } else {
            ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class, BatchersChanged::new);
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(batcherKey(model), adapter));
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Work.class, this::onWork)
                .onMessage(BatchersChanged.class, this::onBatchersChanged)
                .build();
    }

    private Behavior<Command> onBatchersChanged(BatchersChanged changed) {
        Set<ActorRef<Batcher.Command>> now = changed.listing().getServiceInstances(batcherKey(model));
        for (ActorRef<Batcher.Command> b : now) {
            if (batchers.add(b)) {
                b.tell(new Batcher.Ready(getContext().getSelf()));
            }
        }
        batchers.retainAll(now);
        return this;
    }

    private Behavior<Command> onWork(Work work) {
        long start = System.nanoTime();
        float[] values;
        try {
            values = work.tiles().isEmpty()
                    ? denoiser.denoise(work.images(), work.sigma()).data()
                    : ((TiledDenoiser) denoiser).denoiseTiles(work.images(), work.sigma(), work.tiles());
        } catch (RuntimeException e) {
            String kind = e instanceof ModelOutputException ? "model_output" : "model_failure";
            work.replyTo().tell(new Batcher.WorkFailed(work.batchId(), getContext().getSelf(), kind, e.getMessage()));
            throw new WorkerFailure(model, e);
        }
        work.replyTo().tell(new Batcher.WorkDone(work.batchId(), getContext().getSelf(), values, System.nanoTime() - start));
        return this;
    }

    /** Thrown after a failed call has been reported, so the supervisor restarts the worker. */
    static final class WorkerFailure extends RuntimeException {
        WorkerFailure(String model, Throwable cause) {
            super("worker of model '" + model + "' failed: " + cause.getMessage(), cause);
        }
    }
}
