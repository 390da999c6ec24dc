package dev.phaseflow.actors;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ImageClassifier;
import dev.phaseflow.monitoring.ClassCommitment;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Classifies the x0 estimates of tracked requests (on the engine dispatcher) and feeds the
 * class-commitment diagnostic. One actor, so a request's steps are observed in order and its
 * Finish comes after them.
 */
public final class CommitmentClassifier extends AbstractBehavior<CommitmentClassifier.Command> {

    public sealed interface Command {}

    public record Classify(String requestId, double sigma, ImageBatch x0) implements Command {}

    public record Finish(String requestId) implements Command {}

    public record Abandon(String requestId) implements Command {}

    private final ImageClassifier classifier;
    private final ClassCommitment commitment;

    public static Behavior<Command> create(ImageClassifier classifier, ClassCommitment commitment) {
        return Behaviors.supervise(Behaviors.<Command>setup(ctx -> new CommitmentClassifier(ctx, classifier, commitment)))
                .onFailure(RuntimeException.class, SupervisorStrategy.resume());
    }

    private CommitmentClassifier(ActorContext<Command> ctx, ImageClassifier classifier, ClassCommitment commitment) {
        super(ctx);
        this.classifier = classifier;
        this.commitment = commitment;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Classify.class, c -> {
                    commitment.observe(c.requestId(), c.sigma(), classifier.classify(c.x0()).predicted());
                    return this;
                })
                .onMessage(Finish.class, f -> {
                    commitment.finish(f.requestId());
                    return this;
                })
                .onMessage(Abandon.class, a -> {
                    commitment.abandon(a.requestId());
                    return this;
                })
                .build();
    }
}
