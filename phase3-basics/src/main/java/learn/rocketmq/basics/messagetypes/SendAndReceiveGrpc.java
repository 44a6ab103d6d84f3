package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Roadmap: 3.3 Normal messages; hands-on project 1, a simple producer-consumer application.
 * With the 5.x gRPC client ({@code rocketmq-client-java}).
 *
 * <p>The same as {@link SendAndReceive}, the 5.x way: the client talks only to the proxy (port
 * 8081, not the NameServer's 9876), the topic must be typed (NORMAL here), the consumer group must
 * exist, and the push consumer acknowledges by returning {@link ConsumeResult#SUCCESS}.
 * Run it: {@code ./lesson SendAndReceiveGrpc}.
 */
public class SendAndReceiveGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSendAndReceiveGrpc", "lesson-send-and-receive-grpc", 10);
        System.out.printf("Done: %d sent, %d received.%n", result.sent().size(), result.received().size());
    }

    /** A received message, copied out of the client's view of it. */
    public record Received(String key, String tag, String body, Map<String, String> properties) {
    }

    public record Result(List<SendReceipt> sent, Map<String, Received> received) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        rocketmq.requireProxy();
        // 1. A typed topic and an existing consumer group: the proxy checks both.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createConsumerGroup(group);
        }
        System.out.printf("Topic %s (NORMAL) and group %s are ready.%n", topic, group);

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        // The proxy endpoint. The client connects with TLS (its default); a proxy accepts TLS and
        // plaintext on the same port ("permissive", RocketMQ's default).
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // 2. The push consumer: subscribes with a filter expression (tag "*" = all) and
        //    acknowledges each message by returning SUCCESS.
        Map<String, Received> received = new ConcurrentHashMap<>();
        CountDownLatch allReceived = new CountDownLatch(count);
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
            .setMessageListener((MessageView view) -> {
                String key = view.getKeys().iterator().next();
                String body = StandardCharsets.UTF_8.decode(view.getBody()).toString();
                Received message = new Received(key, view.getTag().orElse(null), body, view.getProperties());
                if (received.putIfAbsent(key, message) == null) { // at-least-once: count each once
                    System.out.printf("  received %s: \"%s\" tag=%s seq=%s%n", key, body, message.tag(),
                        message.properties().get("seq"));
                    allReceived.countDown();
                }
                return ConsumeResult.SUCCESS;
            })
            .build();

        // 3. The producer: declares its topics up front so routes are fetched once at start.
        List<SendReceipt> sent = new ArrayList<>();
        try (Producer producer = provider.newProducerBuilder()
            .setClientConfiguration(configuration)
            .setTopics(topic)
            .build()) {
            for (int i = 1; i <= count; i++) {
                Message message = provider.newMessageBuilder()
                    .setTopic(topic)
                    .setTag("TagA")
                    .setKeys("order-" + i)
                    .addProperty("seq", String.valueOf(i))
                    .addProperty("source", "SendAndReceiveGrpc")
                    .setBody(("Hello RocketMQ #" + i).getBytes(StandardCharsets.UTF_8))
                    .build();
                SendReceipt receipt = producer.send(message);
                sent.add(receipt);
                System.out.printf("Sent order-%d: id %s%n", i, receipt.getMessageId());
            }
            // 4. Wait for the consumer, within a bound.
            if (!allReceived.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 30 s.%n", received.size(), count);
            }
        } finally {
            // A 5.x push consumer long-polls the proxy; close() first waits for the pending poll
            // to return: up to 20 s with the proxy's default settings.
            System.out.println("Closing the consumer (it waits for its pending long-poll, up to 20 s)...");
            consumer.close();
        }
        return new Result(sent, received);
    }
}
