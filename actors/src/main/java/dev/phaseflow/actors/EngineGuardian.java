package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.RunReporter;
import dev.phaseflow.pipeline.SampleEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import reactor.core.publisher.FluxSink;

/**
 * The engine's root. On a frontend it runs a batcher per model and a job actor per request (each
 * job routes its own steps to the batchers, see {@link StepRoutes}); on a worker it runs model
 * workers. All of them run on the engine dispatcher (never the default one). A single-process
 * engine is both, its workers pulling straight from the local batchers; in a cluster, workers are
 * sharded daemon processes that find the batchers by receptionist.
 */
public final class EngineGuardian extends AbstractBehavior<EngineGuardian.Command> {
    /** Where jobs, batchers, workers and the classifier run (reference.conf says why on one pool). */
    public static final String ENGINE_DISPATCHER = "phaseflow.engine-dispatcher";
    /** Spawns an actor on the engine dispatcher. */
    static final DispatcherSelector ON_ENGINE = DispatcherSelector.fromConfig(ENGINE_DISPATCHER);
    static final String WORKER_PROCESS = "phaseflow-workers";

    public sealed interface Command {}

    /** Runs a request; past {@code deadline} from now it ends with an error. */
    public record StartJob(RunReporter reporter, FluxSink<SampleEvent> sink, java.time.Duration deadline) implements Command {}

    /** Ends every running job with an error (the drain limit has passed). */
    public record AbortJobs(String reason) implements Command {}

    private record JobEnded(ActorRef<JobActor.Command> job) implements Command {}

    /** Local: both roles in one process. Cluster: the node's roles. */
    public record Deployment(boolean cluster, boolean frontend, boolean worker) {
        public static final Deployment LOCAL = new Deployment(false, true, true);
    }

    /** Only a frontend runs jobs. */
    private final boolean frontend;
    /** The frontend's batcher of each model: where its jobs send their evaluations. */
    private final Map<String, ActorRef<Batcher.Command>> batchers;
    private final ModelSet models;
    private final EngineObserver observer;
    private final Optional<EngineDiagnostics> diagnostics;
    /** Runs only on a frontend whose diagnostics have a classifier. */
    private final Optional<ActorRef<CommitmentClassifier.Command>> classifier;
    private final java.util.Set<ActorRef<JobActor.Command>> running = new java.util.HashSet<>();
    private long jobs;

    public static Behavior<Command> create(ModelSet models, EngineConfig config, EngineObserver observer, Deployment deployment,
                                           Optional<EngineDiagnostics> diagnostics, WorkerCensus census) {
        return Behaviors.setup(ctx -> new EngineGuardian(ctx, models, config, observer, deployment, diagnostics, census));
    }

    private EngineGuardian(ActorContext<Command> ctx, ModelSet models, EngineConfig config, EngineObserver observer,
                           Deployment deployment, Optional<EngineDiagnostics> diagnostics, WorkerCensus census) {
        super(ctx);
        this.models = models;
        this.observer = observer;
        this.diagnostics = diagnostics;
        this.classifier = diagnostics.filter(d -> deployment.frontend())
                .flatMap(d -> d.classifier().map(c -> ctx.spawn(CommitmentClassifier.create(c, d.diagnostics().commitment()),
                        "commitment-classifier", ON_ENGINE)));
        Map<String, ActorRef<Batcher.Command>> batchers = new LinkedHashMap<>();
        if (deployment.frontend()) {
            for (Map.Entry<String, Denoiser> e : models.denoisers().entrySet()) {
                ActorRef<Batcher.Command> batcher = ctx.spawn(Batcher.create(e.getKey(), e.getValue(),
                        config.servedAs(models.serving(e.getKey())), observer, census),
                        "batcher-" + e.getKey(), ON_ENGINE);
                batchers.put(e.getKey(), batcher);
                if (deployment.cluster()) {
                    ctx.getSystem().receptionist().tell(Receptionist.register(Worker.batcherKey(e.getKey()), batcher));
                }
            }
        }
        if (deployment.cluster()) {
            startWorkerProcesses(ctx, models, config);
        } else {
            batchers.forEach((model, batcher) -> {
                for (int i = 0; i < config.servedAs(models.serving(model)).workersPerModel(); i++) {
                    ctx.spawn(Worker.create(model, models.denoiser(model), batcher), "worker-" + model + "-" + i, ON_ENGINE);
                }
            });
        }
        this.frontend = deployment.frontend();
        this.batchers = Map.copyOf(batchers);
    }

    /**
     * workersPerModel workers of every model, spread by sharding over the worker nodes. Every node calls
     * this (sharded daemon processes must be known cluster-wide); only worker nodes host them.
     */
    private static void startWorkerProcesses(ActorContext<Command> ctx, ModelSet models, EngineConfig config) {
        // one entry per worker: each model as many times as its instance count, interleaved so that
        // sharding spreads every model over the nodes as before
        Map<String, Integer> instances = new LinkedHashMap<>();
        models.denoisers().keySet().forEach(m -> instances.put(m, config.servedAs(models.serving(m)).workersPerModel()));
        int most = instances.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<String> names = new ArrayList<>();
        for (int round = 0; round < most; round++) {
            for (Map.Entry<String, Integer> m : instances.entrySet()) {
                if (round < m.getValue()) {
                    names.add(m.getKey());
                }
            }
        }
        ShardedDaemonProcess.get(ctx.getSystem()).init(WorkerHost.Command.class, WORKER_PROCESS,
                names.size(),
                i -> WorkerHost.create(names.get(i), models.denoiser(names.get(i))),
                ShardedDaemonProcessSettings.create(ctx.getSystem()).withRole(ClusterNode.WORKER),
                Optional.of(new WorkerHost.Stop()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StartJob.class, this::onStart)
                .onMessage(AbortJobs.class, this::onAbort)
                .onMessage(JobEnded.class, e -> {
                    running.remove(e.job());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStart(StartJob start) {
        if (!frontend) {
            start.sink().error(new IllegalStateException("this node has no frontend role; send requests to a frontend node"));
            return this;
        }
        JobDiagnostics jobDiagnostics = diagnostics
                .map(d -> JobDiagnostics.of(start.reporter().requestId(), d, classifier))
                .orElse(JobDiagnostics.NONE);
        StepRoutes routes = new StepRoutes(start.reporter().requestId(), start.reporter().request().mode(), models, batchers,
                observer);
        ActorRef<JobActor.Command> job = getContext().spawn(JobActor.create(start.reporter(), models, start.sink(), routes,
                observer, jobDiagnostics, start.deadline()), "job-" + (jobs++), ON_ENGINE);
        getContext().watchWith(job, new JobEnded(job));
        running.add(job);
        return this;
    }

    private Behavior<Command> onAbort(AbortJobs abort) {
        running.forEach(job -> job.tell(new JobActor.Abort(abort.reason())));
        return this;
    }
}
