package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Custom (consumer-side) filtering: what the broker cannot decide, the consumer decides. The broker
 * filters on the tag and on properties only (cheap, and it saves the network); a condition on the
 * <em>body</em> (an item category inside the order's JSON) or on the consumer's own state (a set of
 * customers this service tracks) is checked in the listener. A skipped message must still be
 * <em>acknowledged</em> ({@code CONSUME_SUCCESS}): "not for me" is not a failure.
 * With the classic client. (RocketMQ 4.x had broker-side filter classes, the filter server; it is
 * gone: put the coarse part in a tag or SQL92, the rest here.)
 * Roadmap: 4.3 Message Filtering: Custom filtering.
 *
 * <p>The wrong way beside the right way: a listener that returns {@code RECONSUME_LATER} for
 * messages it does not want sends them through the retry topic again and again, then into the DLQ:
 * wasted work, a growing DLQ, and alarms for nothing.
 * Run it: {@code ./lesson CustomFiltering}.
 */
public class CustomFiltering {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonCustomFiltering", "lesson-custom-filtering", true, 2);
        run(rocketmq, "LessonCustomFilteringWrong", "lesson-custom-filtering-wrong", false, 2);
    }

    /** key -> (tag, body). Only "created" orders with a book in them interest the books service. */
    static final Map<String, String[]> ORDERS = new LinkedHashMap<>();

    static {
        ORDERS.put("order-1", new String[] {"created", "{\"items\":[{\"category\":\"books\",\"sku\":\"B1\"}]}"});
        ORDERS.put("order-2", new String[] {"created", "{\"items\":[{\"category\":\"garden\",\"sku\":\"G7\"}]}"});
        ORDERS.put("order-3", new String[] {"paid", "{\"items\":[{\"category\":\"books\",\"sku\":\"B2\"}]}"});
        ORDERS.put("order-4", new String[] {"created", "{\"items\":[{\"category\":\"toys\",\"sku\":\"T1\"},"
            + "{\"category\":\"books\",\"sku\":\"B3\"}]}"});
        ORDERS.put("order-5", new String[] {"created", "{\"items\":[{\"category\":\"toys\",\"sku\":\"T2\"}]}"});
    }

    /**
     * @param handled       orders the service processed
     * @param deliveries    how often each order reached the listener
     * @param retried       messages the group's retry topic received
     * @param deadLetters   messages in the group's DLQ
     * @param complete      whether the sentinel (sent last) arrived within the lesson's wait, so
     *                      every order before it had been through the listener
     */
    public record Result(Set<String> handled, Map<String, Integer> deliveries, long retried, long deadLetters,
                         boolean complete) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, boolean acknowledgeSkipped, int maxReconsumeTimes)
        throws Exception {
        System.out.printf("--- %s%n", acknowledgeSkipped ? "Right: skip and acknowledge" : "Wrong: skip with RECONSUME_LATER");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
        }
        Set<String> handled = new ConcurrentSkipListSet<>();
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        CountDownLatch sentinel = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(1);
        consumer.setConsumeThreadMax(1);
        consumer.setMaxReconsumeTimes(maxReconsumeTimes);
        // 1. The broker's part: only "created" orders leave the broker for this group.
        consumer.subscribe(topic, "created");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                if (m.getKeys().equals("sentinel")) {
                    sentinel.countDown();
                    continue;
                }
                deliveries.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
                // 2. The consumer's part: a condition on the body the broker cannot evaluate.
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                if (body.contains("\"category\":\"books\"")) {
                    handled.add(m.getKeys());
                    System.out.printf("  %s: has a book -> handled%n", m.getKeys());
                } else if (acknowledgeSkipped) {
                    System.out.printf("  %s: no book -> skipped, acknowledged%n", m.getKeys());
                } else {
                    System.out.printf("  %s: no book -> RECONSUME_LATER (delivery %d)%n", m.getKeys(), m.getReconsumeTimes() + 1);
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER; // the wrong way
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        long retried;
        long deadLetters;
        boolean complete;
        List<String> unwanted = List.of("order-2", "order-5");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            for (Map.Entry<String, String[]> e : ORDERS.entrySet()) {
                producer.send(new Message(topic, e.getValue()[0], e.getKey(), e.getValue()[1].getBytes(StandardCharsets.UTF_8)));
            }
            // Last: a message this group gets (one queue, one thread: everything before it is done).
            producer.send(new Message(topic, "created", "sentinel", "{}".getBytes(StandardCharsets.UTF_8)));
            complete = sentinel.await(30, TimeUnit.SECONDS);
            if (!complete) {
                System.out.println("The sentinel did not arrive within 30 s: the results below are incomplete.");
            }
            if (!acknowledgeSkipped) {
                // The unwanted ones keep coming back until they are dead letters.
                Wait.until(Duration.ofSeconds(30), "the unwanted messages in the DLQ",
                    () -> admin.storedMessages(MixAll.getDLQTopic(group)) >= unwanted.size());
            }
            retried = admin.storedMessages(MixAll.getRetryTopic(group));
            deadLetters = admin.storedMessages(MixAll.getDLQTopic(group));
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        deliveries.keySet().stream().sorted().forEach(k -> counts.put(k, deliveries.get(k).get()));
        System.out.printf("Handled %s; deliveries %s; %d went through %%RETRY%%, %d ended in the DLQ.%n", handled, counts,
            retried, deadLetters);
        return new Result(handled, counts, retried, deadLetters, complete);
    }
}
