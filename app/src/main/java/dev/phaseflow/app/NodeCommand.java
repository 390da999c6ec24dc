package dev.phaseflow.app;

import dev.phaseflow.actors.ClusterNode;
import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.actors.PhaseflowEngine;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow node}: one node of a phaseflow cluster. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Start a node of a phaseflow cluster (Pekko Cluster over Artery TCP). Frontend nodes take "
                + "requests (over HTTP with --http-port) and run jobs and batchers; worker nodes run model workers, "
                + "which sharding spreads over them and moves when a worker node leaves.",
                "Example, three nodes on one machine:",
                "  phaseflow node --port 25520 --seed 127.0.0.1:25520 --roles frontend --http-port 8080",
                "  phaseflow node --port 25521 --seed 127.0.0.1:25520 --roles worker",
                "  phaseflow node --port 25522 --seed 127.0.0.1:25520 --roles worker"})
final class NodeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ReliabilityOptions reliability;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Cluster address of this node (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", required = true, description = "Artery TCP port of this node.")
    int port;

    @Option(names = "--seed", required = true, split = ",", paramLabel = "HOST:PORT", description = "Seed nodes, comma-separated.")
    List<String> seeds;

    @Option(names = "--roles", defaultValue = "frontend,worker", split = ",",
            description = "frontend and/or worker (default ${DEFAULT-VALUE}).")
    Set<String> roles;

    @Option(names = "--workers", defaultValue = "2", description = "Workers per model in the whole cluster (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-batch", defaultValue = "32",
            description = "Most images per model call; must fit the cluster's 1 MiB message frame (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--tile", defaultValue = "0", description = "Tile size for local models (default ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--http-port", description = "On a frontend node: also serve the HTTP API and viewer on this port.")
    Integer httpPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> seedAddresses = seeds.stream().map(s -> ClusterNode.address(s.substring(0, s.lastIndexOf(':')),
                Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)))).toList();
        ClusterNode node = new ClusterNode(host, port, seedAddresses, roles);
        EngineConfig config = reliability.apply(EngineConfig.defaults().withWorkers(workers).withMaxBatch(maxBatch));
        ModelZoo zoo = common.openZoo();
        ModelSet models = ModelSet.fromZoo(zoo, tile);
        if (httpPort != null) {
            if (!node.frontend()) {
                throw new IllegalArgumentException("--http-port needs the frontend role");
            }
            LiveMonitoring monitoring = new LiveMonitoring(models.plan(), java.util.Optional.empty(), 0.02);
            Serving serving = Serving.startCluster(models, zoo.manifests(), config, SampleRequest.Limits.defaults(),
                    b -> b.port(httpPort).connections(reliability.connections()), zoo, monitoring, node);
            serving.runUntilSignalled(out, "cluster node " + serving.engine().address() + " " + roles);
            return 0;
        }
        PhaseflowEngine engine = PhaseflowEngine.builder(models).config(config).cluster(node).owning(zoo).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable leave = () -> {
            engine.close();
            stopped.countDown();
        };
        TerminationSignals.onTermination(leave);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopped.getCount() > 0) {
                leave.run(); // the JVM exits another way than by a signal
            }
        }, "phaseflow-node-shutdown"));
        out.printf("phaseflow node %s %s up; Ctrl-C to leave the cluster%n", engine.address(), roles);
        out.flush();
        stopped.await();
        return 0;
    }
}
