package dev.phaseflow.actors;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Set;

/**
 * Where a node of a phaseflow cluster listens, whom it joins, and what it does: the
 * {@code frontend} role takes requests and runs jobs and batchers, the {@code worker} role runs
 * model workers (as sharded daemon processes, rebalanced when a worker node leaves). The node's
 * Pekko settings are in reference.conf ({@code phaseflow.cluster-pekko}, see {@link PekkoSettings}).
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
}
