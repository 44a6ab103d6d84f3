package learn.rocketmq.production.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import learn.rocketmq.production.clients.SendTimeouts;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One cluster for three lessons: NameServerCluster's two NameServers, two masters and a proxy,
 * which hold MultiMaster's two masters and SendTimeouts' broker and proxy. SendTimeouts first (it
 * pauses broker-a and resumes it; its topic lives on broker-a only), then MultiMaster (it kills
 * broker-b and restarts it on its store), NameServerCluster last (it kills a NameServer for good).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoMasterClusterTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RocketMQCluster.topology().nameServers(2).brokerGroup("broker-a").brokerGroup("broker-b").proxy().start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void sendTimeoutsAHungBrokerCostsTheClassicSendOneTimeoutAndThe5xSendOnePerAttempt() throws Exception {
        Duration sendMsgTimeout = Duration.ofMillis(1500);
        int retries = 2;
        Duration requestTimeout = Duration.ofMillis(1500);
        int maxAttempts = 2;
        SendTimeouts.Result r = SendTimeouts.run(cluster, UniqueNames.of("SendTimeouts"), sendMsgTimeout, retries, requestTimeout,
            maxAttempts);

        // Classic: sendMsgTimeout is the budget of the whole send, retries included: about one
        // timeout, far less than one per try (3 x 1500 ms).
        assertThat(r.classicError()).isNotNull();
        assertThat(r.classicFailedAfterMillis()).isGreaterThanOrEqualTo(sendMsgTimeout.toMillis() - 50)
            .isLessThan(2 * sendMsgTimeout.toMillis());
        // 5.x: every attempt waits its own requestTimeout.
        assertThat(r.grpcError()).isNotNull();
        assertThat(r.grpcFailedAfterMillis()).isGreaterThanOrEqualTo(maxAttempts * requestTimeout.toMillis() - 50);
        assertThat(r.sentAfterResume()).isTrue();
    }

    @Test
    @Order(2)
    void multiMasterWritesGoOnWhenAMasterDiesButItsMessagesWaitUntilItIsBack() throws Exception {
        int perStep = 20;
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

    @Test
    @Order(3)
    void nameServerClusterEachNameServerRoutesEveryBrokerAndWithOneKilledEveryClientStillSends() throws Exception {
        int perStep = 10;
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
