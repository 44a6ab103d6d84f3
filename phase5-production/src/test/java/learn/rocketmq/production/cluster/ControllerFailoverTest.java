package learn.rocketmq.production.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

/**
 * The stack's controller mode end to end (NameServer, controller, master, slave, CLUSTER-mode
 * proxy, each a process): the failover time is measured and bounded, no acknowledged message is
 * lost, and the killed master comes back on its store as a slave.
 */
class ControllerFailoverTest {

    @Test
    void theSlaveIsPromotedNoAcknowledgedMessageIsLostAndTheOldMasterRejoinsAsASlave() throws Exception {
        int perStep = 30;
        try (RocketMQCluster cluster = ControllerFailover.topology().start()) {
            System.out.printf("[failover] NameServer, controller, 2 brokers and a proxy started in %d ms%n", cluster.startMillis());
            cluster.servers().forEach(server -> System.out.printf("[failover] %s: RSS %d MB%n", server, server.residentMegabytes()));
            ControllerFailover.Result r = ControllerFailover.run(cluster, UniqueNames.of("ControllerFailover"), perStep);

            assertThat(r.firstOkAfterKillMillis()).as("a send succeeded after the kill").isBetween(0L, 60_000L);
            assertThat(r.slavePromoted()).as("the slave is the master now").isTrue();
            assertThat(r.acknowledged()).hasSize(2 * perStep);
            assertThat(r.lost()).as("acknowledged but not on the new master").isEmpty();
            assertThat(r.oldMasterIsSlave()).as("the old master rejoined as a slave").isTrue();
        }
    }
}
