package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.Route;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The diagnostics one job takes part in, already decided for its request: which of its
 * evaluations are shadowed, where shadow pairs are recorded, and whether its x0 estimates go to
 * the commitment classifier. {@link #NONE} is a job without diagnostics, so the job never checks
 * for absent collaborators. Called on the job's actor thread.
 */
public interface JobDiagnostics {

    /** Whether evaluation {@code seq} of the job is also run on the other route's model. */
    default boolean shadows(int seq) {
        return false;
    }

    /** Both routes' x0 estimates at sigma; {@code served} is the route whose estimate the run used. */
    default void shadowed(double sigma, Route served, ImageBatch global, ImageBatch local) {}

    /** A completed step's first x0 estimate. */
    default void stepEstimated(double sigma, ImageBatch x0) {}

    /** The job completed. */
    default void finished() {}

    /** The job failed or was cancelled. */
    default void abandoned() {}

    JobDiagnostics NONE = new JobDiagnostics() {};

    /**
     * The engine's diagnostics as they apply to one request: shadowing as the diagnostics sample it,
     * commitment tracking only when a classifier runs and the request is among the tracked ones.
     */
    static JobDiagnostics of(String requestId, EngineDiagnostics engine,
                             Optional<ActorRef<CommitmentClassifier.Command>> classifier) {
        Optional<ActorRef<CommitmentClassifier.Command>> tracking =
                classifier.filter(c -> engine.tracksCommitment(requestId));
        return new JobDiagnostics() {
            public boolean shadows(int seq) {
                return engine.diagnostics().shouldShadow(requestId, seq);
            }

            public void shadowed(double sigma, Route served, ImageBatch global, ImageBatch local) {
                engine.diagnostics().recordShadow(sigma, served.id(), global.data(), local.data(), global.count(),
                        global.imageSize());
            }

            public void stepEstimated(double sigma, ImageBatch x0) {
                tracking.ifPresent(c -> c.tell(new CommitmentClassifier.Classify(requestId, sigma, x0)));
            }

            public void finished() {
                tracking.ifPresent(c -> c.tell(new CommitmentClassifier.Finish(requestId)));
            }

            public void abandoned() {
                tracking.ifPresent(c -> c.tell(new CommitmentClassifier.Abandon(requestId)));
            }
        };
    }
}
