package learn.rocketmq.production.broker;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.production.cluster.MasterSlaveCluster;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One cluster for the master-slave lessons: BrokerRoles' group (broker-a, a master and its slave
 * at the defaults) and a second one for MasterSlaveCluster (broker-b, a master and a slave with
 * {@code slaveReadEnable=true}). BrokerRoles first (it kills broker-a's master and restarts it),
 * then MasterSlaveCluster kills broker-b's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MasterSlaveTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = BrokerRoles.topology().brokerGroup("broker-b", 1, RocketMQCluster.Replication.ASYNC)
            .set("broker-b", "slaveReadEnable", "true").start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void brokerRolesTheSlaveRefusesWritesAndOnlyWithSlaveReadEnableServesReadsOnceTheMasterIsGone() throws Exception {
        BrokerRoles.Result r = BrokerRoles.run(cluster, UniqueNames.of("BrokerRoles"), UniqueNames.of("broker-roles-group"), 20);

        // A slave rejects a send outright (it answers as a busy broker would: SYSTEM_BUSY, code 2).
        assertThat(r.slaveRefusal()).startsWith("refused, code 2:");
        assertThat(r.sendWithoutMaster()).isNotEqualTo("SEND_OK");
        // At slaveReadEnable=false (the default) it refuses reads the same way.
        assertThat(r.readRefusal()).startsWith("refused, code 2:");
        assertThat(r.readFromSlave()).isEqualTo(20);
        assertThat(r.sentAfterRestart()).isTrue();
    }

    @Test
    @Order(2)
    void masterSlaveClusterWritesGoOnToTheOtherGroupAndTheDeadMastersMessagesAreReadFromItsSlave() throws Exception {
        int perStep = 20;
        MasterSlaveCluster.Result r = MasterSlaveCluster.run(cluster, "broker-b", "broker-a", UniqueNames.of("MasterSlaveCluster"),
            UniqueNames.of("master-slave-cluster"), perStep);

        assertThat(r.acknowledged().values()).as("before the kill, sends went to both groups").contains("broker-a", "broker-b");
        assertThat(r.failedSends()).isZero();
        assertThat(r.sentWhileDown()).containsOnlyKeys("broker-a");
        // Unlike masters alone (MultiMaster), nothing waited for the dead master: its slave served them.
        assertThat(r.sentBeforeRestart()).isEqualTo(2 * perStep);
        assertThat(r.consumedWhileDown()).isEqualTo(r.sentBeforeRestart());
        assertThat(r.writesBackOnFailed()).as("broker-b takes writes again once its master is back").isTrue();
        assertThat(r.consumed()).containsAll(r.acknowledged().keySet());
    }
}
