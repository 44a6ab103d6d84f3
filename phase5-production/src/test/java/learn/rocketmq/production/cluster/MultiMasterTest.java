package learn.rocketmq.production.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class MultiMasterTest {

    @Test
    void writesGoOnWhenAMasterDiesButItsMessagesWaitUntilItIsBack() throws Exception {
        int perStep = 20;
        try (RocketMQCluster cluster = RocketMQCluster.topology().brokerGroup("broker-a").brokerGroup("broker-b").start()) {
            MultiMaster.Result r = MultiMaster.run(cluster, UniqueNames.of("MultiMaster"), UniqueNames.of("multi-master"), perStep);

            assertThat(r.acknowledged().values()).as("before the kill, sends went to both masters").contains("broker-a", "broker-b");
            // After the kill: a send meeting the dead master is retried on the other one.
            assertThat(r.failedSends()).isZero();
            assertThat(r.sentAfterKillByBroker()).containsOnlyKeys("broker-a");
            assertThat(r.acknowledged()).hasSize(2 * perStep);
            // While broker-b is down, only broker-a's messages can be consumed...
            long onA = r.acknowledged().values().stream().filter("broker-a"::equals).count();
            assertThat((long) r.consumedWhileDown()).isEqualTo(onA).isLessThan(r.acknowledged().size());
            // ...and once it is back on its store, every acknowledged message is.
            assertThat(r.consumed()).containsAll(r.acknowledged().keySet());
        }
    }
}
