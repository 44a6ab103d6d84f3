package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
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
 * Tag filtering: each message has at most one tag (a short label: its kind), and a consumer group
 * subscribes with the tags it wants, {@code "Paid || Shipped"}. The broker filters (by the tag's
 * hash, kept in the consume queue, so it is cheap) and the client checks the exact tag again;
 * other messages are never delivered to this group, and still are to groups that want them.
 * Roadmap: 3.2 Consumer Basics: Consumer tags filtering.
 *
 * <p>Tags vs topics: one topic per kind of business data (orders), tags for the sub-kinds
 * (created, paid, shipped). For filtering on more than one label, use SQL92 on user properties
 * (phase 4). Run it: {@code ./lesson TagFilter}. The 5.x way: {@link TagFilterGrpc}.
 */
public class TagFilter {

    public static final List<String> TAGS = List.of("Created", "Paid", "Shipped", "Cancelled");

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonTagFilter", "lesson-tag-filter", "Paid || Shipped");
        System.out.printf("Done: subscribed to \"Paid || Shipped\", received %s.%n", result.receivedTags());
    }

    /** What was sent (one message per tag, twice), and the keys and tags the consumer received. */
    public record Result(List<String> sentKeys, Set<String> receivedKeys, Set<String> receivedTags) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, String expression)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1); // one queue: read in send order
        }
        Set<String> wanted = Set.of(expression.split("\\s*\\|\\|\\s*"));
        int expected = (int) TAGS.stream().filter(wanted::contains).count() * 2;

        Set<String> receivedKeys = ConcurrentHashMap.newKeySet();
        Set<String> receivedTags = ConcurrentHashMap.newKeySet();
        CountDownLatch allWanted = new CountDownLatch(expected);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        // The subscription expression: tags joined with "||"; "*" means all.
        consumer.subscribe(topic, expression);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                System.out.printf("  received %s (tag %s)%n", m.getKeys(), m.getTags());
                receivedTags.add(m.getTags());
                if (receivedKeys.add(m.getKeys())) {
                    allWanted.countDown();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        List<String> sent = new java.util.ArrayList<>();
        try {
            for (int round = 1; round <= 2; round++) {
                for (String tag : TAGS) {
                    String key = tag + "-" + round;
                    producer.send(new Message(topic, tag, key, ("order " + key).getBytes(StandardCharsets.UTF_8)));
                    sent.add(key);
                }
            }
            System.out.printf("Sent %s; the consumer subscribed to \"%s\".%n", sent, expression);
            if (!allWanted.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d wanted messages arrived within 30 s.%n", receivedKeys.size(), expected);
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        System.out.printf("Received tags %s: the others were filtered out by the broker.%n", receivedTags);
        return new Result(sent, receivedKeys, receivedTags);
    }
}
