package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Keys and properties with the 5.x client: {@code setKeys(...)} (several keys, each indexed) and
 * {@code addProperty(name, value)} on the message builder; a consumer reads them from the
 * {@link MessageView}. The 5.x client has no query API: finding a message by key is an admin
 * task (the broker's index, {@code mqadmin queryMsgByKey}), and works the same for messages sent
 * by either client.
 * Roadmap: 3.1 Producer Basics: Message keys and properties.
 *
 * <p>Run it: {@code ./lesson MessageKeysAndPropertiesGrpc}. The classic client:
 * {@link MessageKeysAndProperties}.
 */
public class MessageKeysAndPropertiesGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonMessageKeysAndPropertiesGrpc", "lesson-message-keys-and-properties-grpc");
        System.out.printf("Done: found %d message(s) by key.%n", result.foundByKey().size());
    }

    /** A received message, copied out of the client's view. */
    public record Received(List<String> keys, Map<String, String> properties, String body) {
    }

    public record Result(SendReceipt sent, Received received, List<MessageExt> foundByKey) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createConsumerGroup(group);
            ClientServiceProvider provider = ClientServiceProvider.loadService();
            ClientConfiguration configuration = Clients.configuration(rocketmq);

            long begin = System.currentTimeMillis() - 60_000;
            SendReceipt sent;
            Received received = null;
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build();
                 SimpleConsumer consumer = provider.newSimpleConsumerBuilder().setClientConfiguration(configuration)
                     .setConsumerGroup(group).setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
                     .setAwaitDuration(Duration.ofSeconds(1)).build()) {
                // 1. Two keys (both indexed) and two user properties.
                sent = producer.send(provider.newMessageBuilder()
                    .setTopic(topic)
                    .setTag("OrderCreated")
                    .setKeys("order-2001", "customer-9")
                    .addProperty("region", "eu")
                    .addProperty("amount", "42.00")
                    .setBody("order order-2001 created".getBytes(StandardCharsets.UTF_8))
                    .build());
                System.out.println("Sent, id " + sent.getMessageId());

                // 2. A consumer sees the keys and properties on the message view.
                List<Received> receivedOne = new ArrayList<>();
                Wait.until(Duration.ofSeconds(20), "the message", () -> {
                    for (MessageView view : consumer.receive(1, Duration.ofSeconds(10))) {
                        receivedOne.add(new Received(List.copyOf(view.getKeys()), Map.copyOf(view.getProperties()),
                            StandardCharsets.UTF_8.decode(view.getBody()).toString()));
                        consumer.ack(view);
                    }
                    return !receivedOne.isEmpty();
                });
                received = receivedOne.isEmpty() ? null : receivedOne.get(0);
                System.out.printf("Received \"%s\" keys=%s properties=%s%n", received == null ? null : received.body(),
                    received == null ? null : received.keys(), received == null ? null : received.properties());
            }

            // 3. Found again by key through the broker's index (an admin call; index built asynchronously).
            List<MessageExt> found = new ArrayList<>(admin.queryByKey(topic, "customer-9", 1, begin));
            for (MessageExt m : found) {
                System.out.printf("Key customer-9 finds \"%s\" region=%s amount=%s%n",
                    new String(m.getBody(), StandardCharsets.UTF_8), m.getUserProperty("region"), m.getUserProperty("amount"));
            }
            return new Result(sent, received, found);
        }
    }
}
