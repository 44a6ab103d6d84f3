package learn.rocketmq.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.junit.jupiter.api.Test;

/**
 * The 5.x client through a proxy in CLUSTER mode (a process of its own, finding brokers through
 * the NameServer): it keeps sending when one of two brokers dies. Here, not in stack/, because the
 * 5.x client does not compile next to the server jars.
 */
class ClusterProxyTest {

    @Test
    void a5xProducerThroughTheClusterProxyKeepsSendingWhenOneOfTwoBrokersIsKilled() throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.topology().brokerGroup("broker-a").brokerGroup("broker-b").proxy().start()) {
            System.out.printf("[cluster] NameServer, 2 brokers and a cluster proxy started in %d ms%n", cluster.startMillis());
            String topic = UniqueNames.of("ClusterProxy");
            try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
                admin.createTopic(topic, TopicMessageType.NORMAL, 2); // on both brokers
                ClientServiceProvider provider = ClientServiceProvider.loadService();
                try (Producer producer = provider.newProducerBuilder()
                    .setClientConfiguration(Clients.configuration(cluster.rocketMQ())).setTopics(topic).build()) {
                    for (int i = 0; i < 20; i++) {
                        producer.send(provider.newMessageBuilder().setTopic(topic).setBody(("before-" + i).getBytes(StandardCharsets.UTF_8)).build());
                    }
                    Map<String, Long> before = admin.storedMessagesPerBroker(topic);
                    assertThat(before).as("sends spread over both brokers").containsOnlyKeys("broker-a", "broker-b");

                    cluster.master("broker-a").kill();
                    long killedAt = System.nanoTime();
                    int[] failed = {0};
                    // Every send after the kill is retried by the client (3 attempts, the next queue
                    // each time) and lands on broker-b; count what still failed while routes caught up.
                    await().atMost(Duration.ofSeconds(60)).until(() -> {
                        int ok = 0;
                        for (int i = 0; i < 10; i++) {
                            try {
                                producer.send(provider.newMessageBuilder().setTopic(topic)
                                    .setBody(("after-" + i).getBytes(StandardCharsets.UTF_8)).build());
                                ok++;
                            } catch (Exception e) {
                                failed[0]++;
                            }
                        }
                        return ok == 10;
                    });
                    long seconds = (System.nanoTime() - killedAt) / 1_000_000_000;
                    System.out.printf("[cluster] after broker-a's kill: 10 sends in a row succeeded within %d s; %d sends failed before%n",
                        seconds, failed[0]);
                    assertThat(admin.storedMessagesPerBroker(topic).get("broker-b")).isGreaterThanOrEqualTo(before.get("broker-b") + 10);
                }
            }
        }
    }
}
