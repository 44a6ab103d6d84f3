package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Stack;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 5.x client code written for a default RocketMQ installation, as the official quick start
 * writes it, runs unchanged against {@code ./rocketmq up}: a client configuration with nothing
 * but the endpoints (so TLS, the client's default), a topic created the way the quick start
 * creates it ({@code mqadmin updateTopic -t TestTopic -c DefaultCluster}, no type) and its
 * consumer group ({@code mqadmin updateSubGroup -g YourConsumerGroup -c DefaultCluster}: a 5.x
 * proxy refuses a group nobody created, "group not found", even where the broker's
 * autoCreateSubscriptionGroup is on, as in every default installation).
 */
class DefaultInstallationGrpcTest {

    @TempDir
    Path data;

    @Test
    void aClientConfiguredWithItsEndpointsAloneSendsAndReceives() throws Exception {
        Stack.clientLogsToTemp();
        // What ./rocketmq up runs (on free ports here, with its data in a temp folder).
        EmbeddedRocketMQ standalone = EmbeddedRocketMQ.startStandalone(data, false);
        try {
            String endpoints = standalone.rocketMQ().proxy();
            // What mqadmin updateTopic and updateSubGroup send, untyped as the quick start's.
            try (RocketMQAdmin mqadmin = RocketMQAdmin.connect(standalone.rocketMQ())) {
                mqadmin.api().createAndUpdateTopicConfig(standalone.brokerAddress(), new TopicConfig("TestTopic", 8, 8));
                SubscriptionGroupConfig group = new SubscriptionGroupConfig();
                group.setGroupName("YourConsumerGroup");
                mqadmin.api().createAndUpdateSubscriptionGroupConfig(standalone.brokerAddress(), group);
            }

            ClientServiceProvider provider = ClientServiceProvider.loadService();
            ClientConfiguration configuration = ClientConfiguration.newBuilder().setEndpoints(endpoints).build();
            assertThat(configuration.isSslEnabled()).isTrue();

            CompletableFuture<String> received = new CompletableFuture<>();
            try (PushConsumer consumer = provider.newPushConsumerBuilder()
                     .setClientConfiguration(configuration)
                     .setConsumerGroup("YourConsumerGroup")
                     .setSubscriptionExpressions(java.util.Map.of("TestTopic", FilterExpression.SUB_ALL))
                     .setMessageListener(message -> {
                         received.complete(StandardCharsets.UTF_8.decode(message.getBody()).toString());
                         return ConsumeResult.SUCCESS;
                     })
                     .build();
                 Producer producer = provider.newProducerBuilder()
                     .setClientConfiguration(configuration)
                     .setTopics("TestTopic")
                     .build()) {
                SendReceipt receipt = producer.send(provider.newMessageBuilder()
                    .setTopic("TestTopic").setKeys("yourMessageKey-1c151062f96e").setTag("yourMessageTagA")
                    .setBody("This is a normal message for Apache RocketMQ".getBytes(StandardCharsets.UTF_8)).build());
                assertThat(receipt.getMessageId()).isNotNull();
                // A new push consumer may first wait out its rebalance: a bound, not a sleep.
                assertThat(received.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("This is a normal message for Apache RocketMQ");
            }

            // The same port takes plaintext too ("permissive", as a default proxy): a client told
            // enableSsl(false), as code written for a plaintext-only proxy is, works unchanged.
            ClientConfiguration plaintext = ClientConfiguration.newBuilder().setEndpoints(endpoints).enableSsl(false).build();
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(plaintext).setTopics("TestTopic").build()) {
                assertThat(producer.send(provider.newMessageBuilder().setTopic("TestTopic")
                    .setBody("plaintext".getBytes(StandardCharsets.UTF_8)).build()).getMessageId()).isNotNull();
            }
        } finally {
            // Killed, not stopped cleanly (6-9 s): its data is thrown away with the temp folder.
            standalone.serverProcess().destroyForcibly();
            standalone.serverProcess().onExit().join();
        }
    }
}
