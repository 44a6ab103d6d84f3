package learn.rocketmq.production.broker;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendStatus;
import org.junit.jupiter.api.Test;

class ReplicationLossTest {

    @Test
    void onlyASyncMasterWaitingForTwoReplicasLosesNoAcknowledgedMessageWithItsMachine() throws Exception {
        try (RocketMQCluster cluster = ReplicationLoss.topology().start()) {
            ReplicationLoss.Result r = ReplicationLoss.run(cluster, UniqueNames.of("ReplicationLoss"),
                UniqueNames.of("replication-loss-group"), 10, 5);

            // What both slaves had copied is all there.
            assertThat(r.replicatedBefore()).isEqualTo(20);
            // ASYNC_MASTER: acknowledged at once, gone with the master.
            assertThat(r.asyncMaster().acknowledged()).isEqualTo(5);
            assertThat(r.asyncMaster().lost()).isEqualTo(5);
            // SYNC_MASTER with 5.5.0's default inSyncReplicas=1: the same.
            assertThat(r.syncOneReplica().acknowledged()).isEqualTo(5);
            assertThat(r.syncOneReplica().lost()).isEqualTo(5);
            // inSyncReplicas=2: nothing acknowledged without the slave, so nothing acknowledged lost.
            assertThat(r.syncTwoReplicas().acknowledged()).isZero();
            assertThat(r.syncTwoReplicas().lost()).isZero();
            assertThat(r.syncTwoReplicas().notOk()).containsOnlyKeys(SendStatus.FLUSH_SLAVE_TIMEOUT);
        }
    }
}
