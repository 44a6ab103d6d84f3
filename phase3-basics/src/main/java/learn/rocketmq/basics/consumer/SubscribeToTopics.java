package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.Wait;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * What a consumer subscribes to: one topic, several topics (one {@code subscribe()} call each), or
 * a topic with a subscription expression that picks tags ({@code "TagA || TagB"}; {@code "*"} is
 * every tag).
 * Roadmap: 3.2 Consumer Basics: Subscribe to topics; 3.2 Consumer Basics: Create a Consumer instance.
 *
 * <p>A subscription belongs to the consumer group: every consumer of one group must subscribe to
 * the same topics with the same expression, or they overwrite each other's subscription in the
 * broker and messages go missing. Different needs, different groups: here three groups, each with
 * its own view of the same messages. Run it: {@code ./lesson SubscribeToTopics}.
 */
public class SubscribeToTopics {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSubscribe", "lesson-subscribe");
        result.received().forEach((consumer, keys) -> System.out.printf("%s got %s%n", consumer, keys));
    }

    /** The topic names used, and for each consumer the keys it received ("topic:tag"). */
    public record Result(String orders, String payments, String shipments, Map<String, Set<String>> received) {
    }

    public static Result run(RocketMQ rocketmq, String prefix, String groupPrefix) throws Exception {
        String orders = prefix + "-Orders";
        String payments = prefix + "-Payments";
        String shipments = prefix + "-Shipments";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // One queue each, so each topic's messages are read in the order they were sent.
            for (String topic : List.of(orders, payments, shipments)) {
                admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            }
        }

        Map<String, Set<String>> received = new LinkedHashMap<>();
        // Consumer 1: one topic, every tag.
        DefaultMQPushConsumer oneTopic = consumer(rocketmq, groupPrefix + "-one-topic", received);
        oneTopic.subscribe(orders, "*");
        // Consumer 2: several topics, one subscribe() per topic.
        DefaultMQPushConsumer severalTopics = consumer(rocketmq, groupPrefix + "-several-topics", received);
        severalTopics.subscribe(orders, "*");
        severalTopics.subscribe(payments, "*");
        // Consumer 3: a subscription expression: only TagA or TagB of the shipments topic.
        DefaultMQPushConsumer expression = consumer(rocketmq, groupPrefix + "-expression", received);
        expression.subscribe(shipments, "TagA || TagB");
        List<DefaultMQPushConsumer> consumers = List.of(oneTopic, severalTopics, expression);
        for (DefaultMQPushConsumer c : consumers) {
            c.start();
        }

        DefaultMQProducer producer = new DefaultMQProducer(groupPrefix + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            // Tags C first: had the expression let them through, they would come first.
            for (String tag : List.of("TagC", "TagA", "TagB")) {
                for (String topic : List.of(orders, payments, shipments)) {
                    String key = shortName(topic, prefix) + ":" + tag;
                    producer.send(new Message(topic, tag, key, key.getBytes(StandardCharsets.UTF_8)));
                }
            }
            System.out.println("Sent TagC, TagA, TagB to each of Orders, Payments, Shipments.");
            // Wait (bounded) until each consumer has what it subscribed to: 3, 6 and 2 messages.
            Wait.until(Duration.ofSeconds(30), "3, 6 and 2 messages", () -> count(received, oneTopic) >= 3
                && count(received, severalTopics) >= 6 && count(received, expression) >= 2);
        } finally {
            producer.shutdown();
            consumers.forEach(DefaultMQPushConsumer::shutdown);
        }
        received.forEach((group, keys) -> System.out.printf("%s received %s%n", group, keys));
        return new Result(orders, payments, shipments, received);
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group,
                                                  Map<String, Set<String>> received) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        Set<String> keys = ConcurrentHashMap.newKeySet();
        received.put(group, keys);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                keys.add(m.getKeys());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        return consumer;
    }

    private static int count(Map<String, Set<String>> received, DefaultMQPushConsumer consumer) {
        return received.get(consumer.getConsumerGroup()).size();
    }

    private static String shortName(String topic, String prefix) {
        return topic.substring(prefix.length() + 1);
    }
}
