package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Tag filtering: a message has at most one tag (its sub-type: "created", "paid", ...), and a
 * consumer group subscribes to a topic with a tag expression: {@code *} (all), {@code paid}, or
 * {@code created || paid}. The broker filters by the tag's hash code stored in the consume queue
 * (cheap: the message itself is not read), the client re-checks the tag string. Filtering is per
 * <em>group</em>: every group reads the whole topic and sees only its tags.
 * With the classic client.
 * Roadmap: 4.3 Message Filtering: Tag-based filtering.
 *
 * <p>Different interests need different groups: the wrong way, one group with different tags,
 * loses messages ({@link SameGroupDifferentTags}).
 * Run it: {@code ./lesson TagFiltering}.
 */
public class TagFiltering {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonTagFiltering", "lesson-tag-filtering");
    }

    /** The messages sent: key -> tag. */
    static final Map<String, String> MESSAGES = new LinkedHashMap<>();

    static {
        int i = 0;
        for (String tag : List.of("created", "paid", "shipped", "created", "paid", "cancelled", "shipped", "paid")) {
            MESSAGES.put("order-" + (++i) + "-" + tag, tag);
        }
    }

    /** Subscription expression -> keys of the messages that group received. */
    public record Result(Map<String, Set<String>> receivedByExpression) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String groupPrefix) throws Exception {
        // One queue and one consuming thread per group: each group sees the messages in the order
        // sent, so when the last message it can match (a "sentinel") arrives, it has passed all
        // the others: what did not arrive was filtered out, not late.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
        }
        CountDownLatch sentinels = new CountDownLatch(4);
        List<String> expressions = List.of("*", "paid", "created || paid", "refunded");
        Map<String, Set<String>> received = new LinkedHashMap<>();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        DefaultMQProducer producer = new DefaultMQProducer(groupPrefix + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        try {
            // One group per interest, each with its own tag expression.
            for (int i = 0; i < expressions.size(); i++) {
                String expression = expressions.get(i);
                Set<String> keys = new ConcurrentSkipListSet<>();
                received.put(expression, keys);
                DefaultMQPushConsumer consumer = consumer(rocketmq, groupPrefix + "-" + i, "group-" + i);
                consumer.setConsumeThreadMin(1);
                consumer.setConsumeThreadMax(1);
                consumer.subscribe(topic, expression);
                consumer.registerMessageListener(ConsumerProgress.keysUntilSentinel(keys, sentinels));
                consumer.start();
                consumers.add(consumer);
            }
            producer.start();
            for (Map.Entry<String, String> e : MESSAGES.entrySet()) {
                producer.send(new Message(topic, e.getValue(), e.getKey(), e.getKey().getBytes(StandardCharsets.UTF_8)));
            }
            System.out.printf("Sent %d messages tagged %s%n", MESSAGES.size(), MESSAGES.values());
            // Sentinels last: each group matches one of them ("paid" or "refunded").
            for (String tag : List.of("paid", "refunded")) {
                producer.send(new Message(topic, tag, "sentinel-" + tag, "end".getBytes(StandardCharsets.UTF_8)));
            }
            if (!sentinels.await(30, TimeUnit.SECONDS)) {
                System.out.println("Not every group saw its sentinel within 30 s.");
            }
        } finally {
            producer.shutdown();
            consumers.forEach(DefaultMQPushConsumer::shutdown);
        }
        received.forEach((expression, keys) -> System.out.printf("  subscribe(\"%s\") received %d: %s%n", expression, keys.size(), keys));
        return new Result(received);
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group, String instance) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setInstanceName(instance);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        return consumer;
    }
}
