package dev.phaseflow.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** reference.conf's phaseflow section loads, lays its settings under the pekko path, and can be overridden. */
class PekkoSettingsTest {

    @Test
    void anEngineGetsTheReferenceSettingsAndItsPoolSize() {
        Config c = PekkoSettings.load().engine(3);
        assertEquals(3, c.getInt(EngineGuardian.ENGINE_DISPATCHER + ".fork-join-executor.parallelism-min"));
        assertEquals(3, c.getInt(EngineGuardian.ENGINE_DISPATCHER + ".fork-join-executor.parallelism-max"));
        assertEquals("fork-join-executor", c.getString(EngineGuardian.ENGINE_DISPATCHER + ".executor"));
        assertEquals(List.of("org.apache.pekko.event.slf4j.Slf4jLogger"), c.getStringList("pekko.loggers"));
        assertEquals("INFO", c.getString("pekko.loglevel"));
        assertEquals(1, c.getDuration("pekko.scheduler.tick-duration").toMillis());
        assertEquals(false, c.getBoolean("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook"));
        assertEquals("local", c.getString("pekko.actor.provider")); // Pekko's default: cluster settings are for nodes only
    }

    @Test
    void aClusterNodeAddsItsAddressSeedsAndRoles() {
        ClusterNode node = new ClusterNode("10.0.0.7", 25521, List.of(ClusterNode.address("10.0.0.1", 25520)),
                Set.of(ClusterNode.WORKER, ClusterNode.FRONTEND));
        Config c = PekkoSettings.load().clusterNode(node, 2);
        assertEquals("cluster", c.getString("pekko.actor.provider"));
        assertEquals("tcp", c.getString("pekko.remote.artery.transport"));
        assertEquals("10.0.0.7", c.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(25521, c.getInt("pekko.remote.artery.canonical.port"));
        assertEquals(List.of("pekko://phaseflow@10.0.0.1:25520"), c.getStringList("pekko.cluster.seed-nodes"));
        assertEquals(List.of("frontend", "worker"), c.getStringList("pekko.cluster.roles"));
        assertEquals("jackson-cbor", c.getString("pekko.actor.serialization-bindings.\"" + CborSerializable.class.getName() + "\""));
        assertEquals(1 << 20, c.getBytes("pekko.remote.artery.advanced.maximum-frame-size"));
        assertEquals(2, c.getInt(EngineGuardian.ENGINE_DISPATCHER + ".fork-join-executor.parallelism-max"));
        assertEquals("INFO", c.getString("pekko.loglevel")); // the engine's settings are under the node's
        assertEquals(1 << 20, PekkoSettings.load().maxFrameBytes());
    }

    @Test
    void anApplicationConfOverridesTheReferenceSettings() {
        PekkoSettings s = PekkoSettings.from(ConfigFactory.parseString(
                "phaseflow.engine-pekko.loglevel = DEBUG\nphaseflow.cluster-pekko.remote.artery.advanced.maximum-frame-size = 2 MiB"));
        assertEquals("DEBUG", s.engine(1).getString("pekko.loglevel"));
        assertEquals(2 << 20, s.maxFrameBytes());
        assertEquals(1, s.engine(1).getDuration("pekko.scheduler.tick-duration").toMillis()); // the rest still from reference.conf
    }
}
