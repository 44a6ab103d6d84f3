package learn.rocketmq.production.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class NameServerClusterTest {

    @Test
    void eachNameServerRoutesEveryBrokerAndWithOneKilledEveryClientStillSends() throws Exception {
        int perStep = 10;
        try (RocketMQCluster cluster = RocketMQCluster.topology().nameServers(2).brokerGroup("broker-a").brokerGroup("broker-b")
            .proxy().start()) {
            NameServerCluster.Result r = NameServerCluster.run(cluster, UniqueNames.of("NameServerCluster"), perStep);

            // Every broker registered with each NameServer: either one alone routes the whole cluster.
            assertThat(r.brokersByNameServer()).hasSize(2)
                .allSatisfy((nameServer, brokers) -> assertThat(brokers).containsExactly("broker-a", "broker-b"));
            assertThat(r.failedBefore()).isZero();
            assertThat(r.failedAfter()).as("producers with routes need no NameServer to send").isZero();
            assertThat(r.newProducerFirstOkMillis()).as("a producer started after the kill finds the other NameServer")
                .isBetween(0L, 30_000L);
            // 2 producers x 2 steps, then the late one: all acknowledged, all stored.
            assertThat(r.acknowledged()).isEqualTo(5 * perStep);
            assertThat(r.stored()).isEqualTo(r.acknowledged());
        }
    }
}
