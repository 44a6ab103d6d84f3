package learn.rocketmq.advanced.ordering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.advanced.retry.OrderlyRetry;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Partition ordering: messages with the same <em>sharding key</em> (an order id) are consumed in the
 * order they were sent; different keys run in parallel. The producer picks the queue from the key
 * (a {@link MessageQueueSelector}: same key, same queue), and the consumer uses an orderly listener
 * ({@link MessageListenerOrderly}): the client locks each queue on the broker and hands its
 * messages to one thread at a time. With the classic client; the 5.x way is a FIFO topic with a
 * message group: {@link PartitionOrderingGrpc}.
 * Roadmap: 4.1 Message Ordering: Partition ordering; 4.1 Message Ordering: Use cases and best practices.
 *
 * <p>The wrong way beside the right way: the same messages to a <em>concurrent</em> listener come
 * out of order per key (several threads take messages of one queue at once), even though the
 * queue itself holds them in order. What else breaks order, and what to do:
 * <ul>
 *   <li>Retries: a concurrent consumer's failed message goes to %RETRY% and comes back after the
 *   ones behind it. An orderly consumer retries in place instead ({@link OrderlyRetry}).</li>
 *   <li>Several producers, or async sends, for one key: the broker orders by arrival. Send each
 *   key's messages from one place, synchronously.</li>
 *   <li>Changing the queue count: hash(key) % queues moves keys to other queues. Size the topic
 *   up front; change it only when drained.</li>
 *   <li>Rebalancing (a consumer joins or leaves): the orderly consumer's broker-side lock keeps one
 *   owner per queue, but un-committed messages may come again: make the consumer idempotent.</li>
 *   <li>Use cases: order status changes, account movements, a table's change log (per row key).</li>
 * </ul>
 * Run it: {@code ./lesson PartitionOrdering}.
 */
public class PartitionOrdering {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result right = run(rocketmq, "LessonPartitionOrdering", "lesson-partition-ordering", true, 8, 25);
        Result wrong = run(rocketmq, "LessonPartitionOrderingWrong", "lesson-partition-ordering-wrong", false, 8, 25);
        System.out.printf("Orderly listener: %d keys out of order. Concurrent listener: %d keys out of order.%n",
            right.keysOutOfOrder(), wrong.keysOutOfOrder());
    }

    /** For each key, the sequence numbers in the order the consumers finished them; and which consumer did. */
    public record Result(Map<String, List<Integer>> sequenceByKey, Map<String, String> consumerByKey, long keysOutOfOrder) {
    }

    /**
     * Sends {@code keys} orders x {@code stepsPerKey} steps, interleaved (order-0 step 1, order-1
     * step 1, ..., order-0 step 2, ...), to a 4-queue topic, consumed by two consumers of one group.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, boolean orderly, int keys, int stepsPerKey)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 4);
        }
        int total = keys * stepsPerKey;
        Map<String, List<Integer>> sequenceByKey = new ConcurrentHashMap<>();
        Map<String, String> consumerByKey = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(total);

        // 1. Two consumers of one group (two instances of a service): the 4 queues are split between them.
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        for (String instance : List.of("consumer-1", "consumer-2")) {
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
            Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
            consumer.setInstanceName(instance);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setConsumeThreadMin(8);
            consumer.setConsumeThreadMax(8);
            consumer.subscribe(topic, "*");
            if (orderly) {
                consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
                    messages.forEach(m -> apply(m, instance, sequenceByKey, consumerByKey, all));
                    return ConsumeOrderlyStatus.SUCCESS;
                });
            } else {
                // The wrong way for ordered data: a pool of threads takes messages of one queue at once.
                consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                    messages.forEach(m -> apply(m, instance, sequenceByKey, consumerByKey, all));
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
            }
            consumer.start();
            consumers.add(consumer);
        }
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            // Send only once both consumers own their queues: a rebalance during the run could
            // deliver a message twice (at-least-once), which is not what this lesson is about.
            ConsumerProgress.awaitQueuesSplit(consumers, topic, 4);
            // 2. The sharding key picks the queue: every step of one order goes to the same queue.
            MessageQueueSelector byKey = (queues, message, key) -> queues.get(Math.floorMod(key.hashCode(), queues.size()));
            for (int step = 1; step <= stepsPerKey; step++) {
                for (int k = 0; k < keys; k++) {
                    String orderId = "order-" + k;
                    Message m = new Message(topic, "TagA", orderId, ("step " + step).getBytes(StandardCharsets.UTF_8));
                    m.putUserProperty("step", String.valueOf(step));
                    producer.send(m, byKey, orderId); // synchronous: the next step is sent after this one is stored
                }
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 60 s.%n", total - all.getCount(), total);
            }
        } finally {
            producer.shutdown();
            consumers.forEach(DefaultMQPushConsumer::shutdown);
        }
        Map<String, List<Integer>> sorted = new LinkedHashMap<>();
        sequenceByKey.keySet().stream().sorted().forEach(k -> sorted.put(k, List.copyOf(sequenceByKey.get(k))));
        long outOfOrder = sorted.values().stream().filter(s -> !Sequences.isAscending(s)).count();
        System.out.printf("%s listener: %d keys x %d steps; keys whose steps were applied out of order: %d%n",
            orderly ? "Orderly" : "Concurrent", keys, stepsPerKey, outOfOrder);
        sorted.forEach((k, s) -> System.out.printf("  %s (by %s): %s%n", k, consumerByKey.get(k), s));
        return new Result(sorted, Map.copyOf(consumerByKey), outOfOrder);
    }

    /** "Applies" a step (a little work of varying length, like a database update) and records it. */
    private static void apply(MessageExt m, String instance, Map<String, List<Integer>> sequenceByKey,
                              Map<String, String> consumerByKey, CountDownLatch all) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sequenceByKey.computeIfAbsent(m.getKeys(), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(m.getUserProperty("step")));
        consumerByKey.put(m.getKeys(), instance);
        all.countDown();
    }

}
