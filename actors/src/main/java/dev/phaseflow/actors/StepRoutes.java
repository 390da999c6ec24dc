package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.routing.Mode;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The timestep router of one job: sends each evaluation of a step to the batcher of the model the
 * router plan names for its sigma and the job's mode, and tells a batcher when the job will not come
 * back to it (so it stops holding partial batches for it). A plain object the job calls from its own
 * messages: a step reaches its batcher in one message. (It was an actor between jobs and batchers;
 * that hop cost 15-45 us a step at one request, and the plan it reads is immutable.)
 */
final class StepRoutes {
    private final String jobId;
    private final Mode mode;
    private final ModelSet models;
    private final Map<String, ActorRef<Batcher.Command>> batchers;
    private final EngineObserver observer;
    /** The model of the job's last evaluation: that batcher expects the job back. */
    private String lastModel;

    StepRoutes(String jobId, Mode mode, ModelSet models, Map<String, ActorRef<Batcher.Command>> batchers,
               EngineObserver observer) {
        this.jobId = jobId;
        this.mode = mode;
        this.models = models;
        this.batchers = batchers;
        this.observer = observer;
    }

    /** The job's evaluation {@code seq}: to the model the plan picks for {@code sigma}. */
    void step(int seq, ImageBatch x, double sigma, ActorRef<JobActor.Command> replyTo) {
        String model = models.modelFor(mode, sigma);
        observer.stepRouted(models.route(model), model);
        if (!model.equals(lastModel)) {
            forgetAtLast();
            lastModel = model;
        }
        batcher(model).tell(new Batcher.Enqueue(jobId, seq, x, sigma, replyTo));
    }

    /** A diagnostic evaluation on a named model (the other route's); not a step, so the job's routing is untouched. */
    void shadow(int seq, String model, ImageBatch x, double sigma, ActorRef<JobActor.Command> replyTo) {
        batcher(model).tell(new Batcher.EnqueueShadow(jobId, seq, x, sigma, replyTo));
    }

    /** The job completed (its stream is done; shadow evaluations may still be running). */
    void finished() {
        forgetAtLast();
        lastModel = null;
    }

    /** The job failed or was cancelled: every batcher forgets its queued and running work. */
    void dropped() {
        lastModel = null;
        batchers.values().forEach(b -> b.tell(new Batcher.DropJob(jobId)));
    }

    private void forgetAtLast() {
        if (lastModel != null) {
            batcher(lastModel).tell(new Batcher.Forget(jobId));
        }
    }

    private ActorRef<Batcher.Command> batcher(String model) {
        ActorRef<Batcher.Command> b = batchers.get(model);
        if (b == null) {
            throw new IllegalStateException("no batcher for model '" + model + "' (models: " + batchers.keySet() + ")");
        }
        return b;
    }
}
