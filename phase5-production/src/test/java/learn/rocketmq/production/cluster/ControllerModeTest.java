package learn.rocketmq.production.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.production.broker.MinInSyncReplicas;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stack's controller mode end to end (NameServer, controller, master, slave, CLUSTER-mode
 * proxy, each a process), one cluster for both lessons, which have the same topology:
 * {@code MinInSyncReplicas} (the slave killed and restarted) first, as it leaves the group as it
 * found it, then {@code ControllerFailover} (the master killed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerModeTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ControllerFailover.topology().start();
        System.out.printf("[controller] NameServer, controller, 2 brokers and a proxy started in %d ms%n", cluster.startMillis());
        cluster.servers().forEach(server -> System.out.printf("[controller] %s: RSS %d MB%n", server, server.residentMegabytes()));
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void minInSyncReplicasRefusesWritesOnceTheSlaveHasLeftTheSyncStateSet() throws Exception {
        int perStep = 5;
        MinInSyncReplicas.Result r = MinInSyncReplicas.run(cluster, UniqueNames.of("MinInSyncReplicas"), perStep);

        assertThat(r.acknowledgedWithSlave()).as("acknowledged with the slave in sync").isEqualTo(2 * perStep);
        // The master drops a dead slave at its next check (every 5 s) and tells the controller.
        assertThat(r.shrinkMillis()).as("slave killed to the set shrunk").isBetween(0L, 15_000L);
        assertThat(r.acknowledgedAlone()).as("acknowledged by the master alone at the default floor").isEqualTo(2 * perStep);
        assertThat(r.refused()).as("refused at minInSyncReplicas=2 (%s)", r.refusals()).isEqualTo(r.attemptedAtTwo());
        assertThat(r.refusals()).filteredOn(m -> m.startsWith("classic"))
            .hasSize(perStep).allSatisfy(m -> assertThat(m).contains("CODE: 1").contains("in-sync replicas not enough"));
        assertThat(r.refusals()).filteredOn(m -> m.startsWith("5.x"))
            .hasSize(perStep).allSatisfy(m -> assertThat(m).contains("in-sync replicas not enough"));
        assertThat(r.storedWhileRefused()).as("a refused write is not stored").isZero();
        assertThat(r.acknowledgedAfterRejoin()).as("acknowledged once the slave is back in the set").isEqualTo(2 * perStep);
    }

    @Test
    @Order(2)
    void theSlaveIsPromotedNoAcknowledgedMessageIsLostAndTheOldMasterRejoinsAsASlave() throws Exception {
        int perStep = 30;
        ControllerFailover.Result r = ControllerFailover.run(cluster, UniqueNames.of("ControllerFailover"), perStep);

        // The controller sees the killed master's connection close and elects at once; the proxy
        // finds the new route at its next refresh (20 s), so the first 5.x SEND_OK comes later.
        assertThat(r.promotedAfterKillMillis()).as("the slave routed as master after the kill").isBetween(0L, 15_000L);
        assertThat(r.firstOkAfterKillMillis()).as("a send succeeded after the kill").isBetween(0L, 60_000L);
        assertThat(r.slavePromoted()).as("the slave is the master now").isTrue();
        assertThat(r.acknowledged()).hasSize(2 * perStep);
        assertThat(r.lost()).as("acknowledged but not on the new master").isEmpty();
        assertThat(r.oldMasterIsSlave()).as("the old master rejoined as a slave").isTrue();
    }
}
