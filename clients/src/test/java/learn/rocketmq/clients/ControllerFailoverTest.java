package learn.rocketmq.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.junit.jupiter.api.Test;

/**
 * Controller mode: a broker group of two (master and slave), one controller, a CLUSTER-mode proxy.
 * A 5.x producer sends through the proxy while the master is killed with SIGKILL; the controller
 * promotes the slave; the time from the kill to the first SEND_OK on the new master is measured,
 * and every acknowledged message is found on it (synchronous replication to the sync state set).
 */
class ControllerFailoverTest {

    @Test
    void theSlaveIsPromotedWhenTheMasterIsKilledAndNoAcknowledgedMessageIsLost() throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.topology().controllers(1)
            .brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC)
            .set("allAckInSyncStateSet", "true") // SEND_OK only once every replica in the sync state set has it
            .proxy().start()) {
            System.out.printf("[failover] NameServer, controller, 2 brokers and a proxy started in %d ms%n", cluster.startMillis());
            cluster.servers().forEach(server -> System.out.printf("[failover] %s: RSS %d MB%n", server, server.residentMegabytes()));
            String topic = UniqueNames.of("ControllerFailover");
            RocketMQServer first = cluster.brokers("broker-a").get(0);
            RocketMQServer second = cluster.brokers("broker-a").get(1);
            try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> group(admin).size() == 2);
                assertThat(group(admin).get(0L)).as("the first broker is the master").isEqualTo(first.address());
                // The topic on both brokers: the one that becomes master must have it.
                admin.createTopicOn(List.copyOf(group(admin).values()), topic, TopicMessageType.NORMAL, 4);

                ClientServiceProvider provider = ClientServiceProvider.loadService();
                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                int failures = 0;
                long firstOkAfterKillMillis = -1;
                try (Producer producer = provider.newProducerBuilder()
                    .setClientConfiguration(Clients.configuration(cluster.rocketMQ())).setTopics(topic).build()) {
                    for (int i = 0; i < 30; i++) {
                        send(provider, producer, topic, "before-" + i);
                        acknowledged.add("before-" + i);
                    }
                    first.kill();
                    long killedAt = System.nanoTime();
                    for (int i = 0; acknowledged.size() < 60 && (System.nanoTime() - killedAt) < Duration.ofSeconds(90).toNanos(); i++) {
                        try {
                            send(provider, producer, topic, "after-" + i);
                            acknowledged.add("after-" + i);
                            if (firstOkAfterKillMillis < 0) {
                                firstOkAfterKillMillis = (System.nanoTime() - killedAt) / 1_000_000;
                            }
                        } catch (Exception e) {
                            failures++; // not acknowledged: not counted as lost if it is gone
                        }
                    }
                }
                System.out.printf("[failover] first SEND_OK %d ms after the master's kill; %d sends failed meanwhile%n",
                    firstOkAfterKillMillis, failures);
                assertThat(firstOkAfterKillMillis).as("a send succeeded after the kill").isBetween(0L, 60_000L);
                assertThat(group(admin).get(0L)).as("the slave is the master now").isEqualTo(second.address());

                // Every acknowledged message is on the new master.
                Set<String> stored = readAll(cluster, topic, acknowledged.size());
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(stored);
                System.out.printf("[failover] %d acknowledged, %d lost%n", acknowledged.size(), lost.size());
                assertThat(lost).isEmpty();
            }
        }
    }

    private static void send(ClientServiceProvider provider, Producer producer, String topic, String key) throws Exception {
        producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key).setBody(key.getBytes(StandardCharsets.UTF_8)).build());
    }

    /** The group's brokers by id, as the NameServer routes them (0: the master). */
    private static Map<Long, String> group(RocketMQAdmin admin) throws Exception {
        BrokerData data = admin.api().examineBrokerClusterInfo().getBrokerAddrTable().get("broker-a");
        return data == null ? Map.of() : Map.copyOf(data.getBrokerAddrs());
    }

    private static Set<String> readAll(RocketMQCluster cluster, String topic, int atLeast) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(UniqueNames.of("failover-reader"));
        consumer.setNamesrvAddr(cluster.rocketMQ().nameServer());
        consumer.setAutoCommit(false);
        consumer.start();
        Set<String> keys = new HashSet<>();
        try {
            List<MessageQueue> queues = new ArrayList<>(consumer.fetchMessageQueues(topic));
            consumer.assign(queues);
            for (MessageQueue q : queues) {
                consumer.seekToBegin(q);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (MessageExt m : consumer.poll(1000)) {
                    keys.add(m.getKeys());
                }
                return keys.size() >= atLeast;
            });
        } catch (org.awaitility.core.ConditionTimeoutException incomplete) {
            // fewer than acknowledged: the assertion on what is missing says which
        } finally {
            consumer.shutdown();
        }
        return keys;
    }
}
