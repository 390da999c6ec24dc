package dev.phaseflow.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a node of a phaseflow cluster listens, whom it joins, and what it does: the
 * {@code frontend} role takes requests and runs jobs and batchers, the {@code worker} role runs
 * model workers (as sharded daemon processes, rebalanced when a worker node leaves).
 *
 * @param host  canonical hostname (127.0.0.1 by default)
 * @param port  Artery TCP port (0: a random free port)
 * @param seeds seed node addresses, e.g. "pekko://phaseflow@127.0.0.1:25520"
 * @param roles "frontend" and/or "worker"
 */
public record ClusterNode(String host, int port, List<String> seeds, Set<String> roles) {
    public static final String FRONTEND = "frontend";
    public static final String WORKER = "worker";
    public static final String SYSTEM_NAME = "phaseflow";
    /** Largest remote message; a model call's images and results must fit (checked at start). */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    public ClusterNode {
        seeds = List.copyOf(seeds);
        roles = Set.copyOf(roles);
        if (roles.isEmpty() || !Set.of(FRONTEND, WORKER).containsAll(roles)) {
            throw new IllegalArgumentException("roles must be frontend and/or worker, got " + roles);
        }
    }

    public boolean frontend() {
        return roles.contains(FRONTEND);
    }

    public boolean worker() {
        return roles.contains(WORKER);
    }

    public static String address(String host, int port) {
        return "pekko://" + SYSTEM_NAME + "@" + host + ":" + port;
    }

    /** Reads {@code phaseflow.cluster { host, port, seeds, roles }} from a node's configuration. */
    public static ClusterNode fromConfig(Config config) {
        Config c = config.getConfig("phaseflow.cluster");
        return new ClusterNode(c.hasPath("host") ? c.getString("host") : "127.0.0.1", c.getInt("port"),
                c.getStringList("seeds"), Set.copyOf(c.getStringList("roles")));
    }

    /** The Pekko settings of this node: cluster provider, Artery TCP, jackson-cbor for cross-node messages. */
    Config pekkoConfig() {
        String seedList = seeds.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "));
        String roleList = roles.stream().sorted().map(r -> "\"" + r + "\"").collect(Collectors.joining(", "));
        return ConfigFactory.parseString(String.join("\n",
                "pekko.actor.provider = cluster",
                "pekko.actor.serialization-bindings { \"" + CborSerializable.class.getName() + "\" = jackson-cbor }",
                "pekko.remote.artery.transport = tcp",
                "pekko.remote.artery.canonical.hostname = \"" + host + "\"",
                "pekko.remote.artery.canonical.port = " + port,
                "pekko.remote.artery.advanced.maximum-frame-size = " + MAX_FRAME_BYTES,
                "pekko.cluster.seed-nodes = [" + seedList + "]",
                "pekko.cluster.roles = [" + roleList + "]",
                "pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                "pekko.cluster.split-brain-resolver.stable-after = 5s",
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"));
    }
}
