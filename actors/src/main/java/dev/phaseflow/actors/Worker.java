package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelOutputException;
import dev.phaseflow.models.TiledDenoiser;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs one model's calls, one batch at a time, on the inference dispatcher (model calls block).
 * Pulls: says Ready when it starts and reports each batch's result, which makes it ready again.
 * A failed call is reported to the batcher (which retries the work elsewhere) and then restarts the worker.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

    public sealed interface Command {}

    /**
     * A batch: images with one sigma each; for a tiled local model the tiles to compute (image indices into
     * {@code images}), else empty and every image is denoised whole.
     */
    public record Work(long batchId, ImageBatch images, double[] sigma, List<TiledDenoiser.TileTask> tiles) implements Command {}

    private final String model;
    private final Denoiser denoiser;
    private final ActorRef<Batcher.Command> batcher;

    public static Behavior<Command> create(String model, Denoiser denoiser, ActorRef<Batcher.Command> batcher) {
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new Worker(ctx, model, denoiser, batcher)))
                .onFailure(WorkerFailure.class, SupervisorStrategy.restart());
    }

    private Worker(ActorContext<Command> ctx, String model, Denoiser denoiser, ActorRef<Batcher.Command> batcher) {
        super(ctx);
        this.model = model;
        this.denoiser = denoiser;
        this.batcher = batcher;
        batcher.tell(new Batcher.Ready(ctx.getSelf()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(Work.class, this::onWork).build();
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
            batcher.tell(new Batcher.WorkFailed(work.batchId(), getContext().getSelf(), kind, e.getMessage()));
            throw new WorkerFailure(model, e);
        }
        batcher.tell(new Batcher.WorkDone(work.batchId(), getContext().getSelf(), values, System.nanoTime() - start));
        return this;
    }

    /** Thrown after a failed call has been reported, so the supervisor restarts the worker. */
    static final class WorkerFailure extends RuntimeException {
        WorkerFailure(String model, Throwable cause) {
            super("worker of model '" + model + "' failed: " + cause.getMessage(), cause);
        }
    }
}
