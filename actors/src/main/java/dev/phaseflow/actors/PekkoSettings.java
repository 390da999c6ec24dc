package dev.phaseflow.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;

/**
 * The Pekko settings of an engine's actor system, from the {@code phaseflow} section of the
 * configuration (reference.conf, then whatever an application.conf overrides). Only what depends
 * on the run is set in code: the engine pool size, and a cluster node's address, seeds and roles.
 */
public final class PekkoSettings {
    private final Config config;

    private PekkoSettings(Config config) {
        this.config = config;
    }

    /** The settings of the application's configuration (ConfigFactory.load()). */
    public static PekkoSettings load() {
        return new PekkoSettings(ConfigFactory.load());
    }

    /** The settings of a given configuration (resolved, with the reference settings under it). */
    public static PekkoSettings from(Config config) {
        return new PekkoSettings(config.withFallback(ConfigFactory.defaultReference()).resolve());
    }

    /** An engine's actor system with {@code inferenceThreads} threads on the engine dispatcher. */
    public Config engine(int inferenceThreads) {
        String pool = EngineGuardian.ENGINE_DISPATCHER + ".fork-join-executor.";
        return ConfigFactory.parseMap(Map.of(pool + "parallelism-min", inferenceThreads, pool + "parallelism-max",
                        inferenceThreads))
                .withFallback(config.getConfig("phaseflow.engine-pekko").atKey("pekko"))
                .withFallback(config);
    }

    /** A cluster node's actor system: the engine's, with cluster provider, Artery TCP and the node's own address. */
    public Config clusterNode(ClusterNode node, int inferenceThreads) {
        return ConfigFactory.parseMap(Map.of(
                        "pekko.remote.artery.canonical.hostname", node.host(),
                        "pekko.remote.artery.canonical.port", node.port(),
                        "pekko.cluster.seed-nodes", node.seeds(),
                        "pekko.cluster.roles", List.copyOf(new java.util.TreeSet<>(node.roles()))))
                .withFallback(config.getConfig("phaseflow.cluster-pekko").atKey("pekko"))
                .withFallback(engine(inferenceThreads));
    }

    /** Largest message between nodes; a model call's images and results must fit. */
    public long maxFrameBytes() {
        return clusterPekko().getBytes("remote.artery.advanced.maximum-frame-size");
    }

    private Config clusterPekko() {
        return config.getConfig("phaseflow.cluster-pekko");
    }
}
