package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * The wrong way to filter by tag: all consumers of one group must subscribe with the same
 * expression. Two instances of one group with different tags split the queues between them, and
 * each drops (and acknowledges!) the other one's tags from its queues: messages are lost for
 * both. Different interests need different groups ({@link TagFiltering}). The lesson counts the
 * messages nobody consumed, once the group's offsets show it has passed them all.
 * With the classic client.
 * Roadmap: 4.3 Message Filtering: Tag-based filtering.
 *
 * <p>Run it: {@code ./lesson SameGroupDifferentTags}.
 */
public class SameGroupDifferentTags {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        WrongResult result = run(rocketmq, "LessonSameGroupDifferentTags", "lesson-same-group-different-tags", 20);
        System.out.printf("Done: %d messages lost.%n", result.lost().size());
    }

    /** What each of the two instances received, and the messages of their tags nobody got. */
    public record WrongResult(Set<String> paidInstanceGot, Set<String> shippedInstanceGot, Set<String> lost) {
    }

    /** One group, two instances, different tags; {@code count} messages, half of each tag. */
    public static WrongResult run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        Set<String> paidGot = new ConcurrentSkipListSet<>();
        Set<String> shippedGot = new ConcurrentSkipListSet<>();
        DefaultMQPushConsumer paid = consumer(rocketmq, group, "instance-paid");
        paid.subscribe(topic, "paid");
        paid.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> paidGot.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        DefaultMQPushConsumer shipped = consumer(rocketmq, group, "instance-shipped");
        shipped.subscribe(topic, "shipped");
        shipped.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> shippedGot.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        Set<String> sent = new TreeSet<>();
        try {
            paid.start();
            shipped.start();
            ConsumerProgress.awaitQueuesSplit(List.of(paid, shipped), topic, 4);
            producer.start();
            for (int i = 1; i <= count; i++) {
                String tag = i % 2 == 0 ? "paid" : "shipped";
                String key = "order-" + i + "-" + tag;
                producer.send(new Message(topic, tag, key, key.getBytes(StandardCharsets.UTF_8)));
                sent.add(key);
            }
            // Wait until the group has passed every message. (A consumer's offset skips a filtered
            // tail only when its long-poll at the queue's end returns: up to 15 s with long polling on.)
            ConsumerProgress.awaitCaughtUp(List.of(paid, shipped), topic, Duration.ofSeconds(30));
        } finally {
            producer.shutdown();
            paid.shutdown();
            shipped.shutdown();
        }
        Set<String> lost = new TreeSet<>(sent);
        lost.removeAll(paidGot);
        lost.removeAll(shippedGot);
        System.out.printf("Sent %d (half paid, half shipped). The 'paid' instance got %d, the 'shipped' instance got %d,"
            + " %d were consumed by nobody: %s%n", sent.size(), paidGot.size(), shippedGot.size(), lost.size(), lost);
        return new WrongResult(paidGot, shippedGot, lost);
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group, String instance) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setInstanceName(instance); // two instances in one JVM, as two processes would be
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        return consumer;
    }
}
