package learn.rocketmq.advanced.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Batch sending: {@code producer.send(List<Message>)} stores many messages with one request, one
 * disk append: far fewer round trips. The rules: one topic per batch, no delayed messages, and the
 * whole batch counts as one message against the size limit ({@code maxMessageSize}, 4 MiB by
 * default on producer and broker). A large list must be <em>split</em> into batches under it.
 * With the classic client (the 5.x client has no batch send; it pipelines async sends instead).
 * Roadmap: 4.4 Batch Operations: Batch message sending.
 *
 * <p>The wrong way beside the right way: sending a 6 MiB list as one batch is refused before it
 * leaves the producer. Split by <em>size</em>, not by count: counting messages works until the
 * bodies grow.
 * Run it: {@code ./lesson BatchSplitting}.
 */
public class BatchSplitting {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonBatchSplitting", "lesson-batch-splitting", 50, 120 * 1024);
    }

    /**
     * @param oneBatchError what sending the whole list as one batch gave
     * @param batchSizes    estimated bytes of each batch the splitter made
     * @param results       the send result of each batch
     * @param received      keys the consumer got
     */
    public record Result(String oneBatchError, List<Integer> batchSizes, List<SendResult> results, Set<String> received,
                         int limit) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count, int bodyBytes) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            byte[] body = new byte[bodyBytes];
            Arrays.fill(body, (byte) 'x');
            messages.add(new Message(topic, "TagA", "item-" + i, body));
        }
        Map<String, Boolean> received = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(count);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
            msgs.forEach(m -> {
                if (received.putIfAbsent(m.getKeys(), true) == null) {
                    all.countDown();
                }
            });
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        int limit = producer.getMaxMessageSize();
        String oneBatchError;
        List<Integer> batchSizes = new ArrayList<>();
        List<SendResult> results = new ArrayList<>();
        try {
            long total = messages.stream().mapToLong(BatchSplitting::estimatedSize).sum();
            System.out.printf("%d messages of %d KiB: %.1f MiB in all; the limit per batch is %d MiB.%n", count,
                bodyBytes / 1024, total / 1048576.0, limit / 1048576);
            // 1. The wrong way: all in one batch.
            try {
                producer.send(messages);
                oneBatchError = "sent";
            } catch (Exception e) {
                oneBatchError = Hints.explain(e);
            }
            System.out.println("One batch of everything: " + oneBatchError);

            // 2. The right way: split by size, each batch under the limit.
            for (List<Message> batch : split(messages, limit)) {
                SendResult result = producer.send(batch);
                batchSizes.add(batch.stream().mapToInt(BatchSplitting::estimatedSize).sum());
                results.add(result);
                System.out.printf("  batch of %d messages, ~%d KiB: %s%n", batch.size(), batchSizes.get(batchSizes.size() - 1) / 1024,
                    result.getSendStatus());
            }
            if (!all.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 30 s.%n", received.size(), count);
            }
            System.out.printf("%d batches, all %s; the consumer got %d of %d messages.%n", results.size(),
                results.stream().allMatch(r -> r.getSendStatus() == SendStatus.SEND_OK) ? "SEND_OK" : "NOT all SEND_OK",
                received.size(), count);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(oneBatchError, batchSizes, results, Set.copyOf(received.keySet()), limit);
    }

    /**
     * Splits {@code messages} into consecutive lists whose estimated size stays under {@code limit}.
     * A single message over the limit cannot be sent at all (it would need to be made smaller).
     */
    public static List<List<Message>> split(List<Message> messages, int limit) {
        List<List<Message>> batches = new ArrayList<>();
        List<Message> current = new ArrayList<>();
        int currentSize = 0;
        for (Message m : messages) {
            int size = estimatedSize(m);
            if (size > limit) {
                throw new IllegalArgumentException("message " + m.getKeys() + " alone is over the limit: " + size + " bytes");
            }
            if (currentSize + size > limit) {
                batches.add(current);
                current = new ArrayList<>();
                currentSize = 0;
            }
            current.add(m);
            currentSize += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /**
     * What a message costs inside a batch: body, topic, properties (key, tag, and the id the
     * producer adds) and fixed fields. Generous on purpose: a little too much is harmless.
     */
    static int estimatedSize(Message m) {
        int properties = 0;
        for (Map.Entry<String, String> p : m.getProperties().entrySet()) {
            properties += p.getKey().length() + p.getValue().length() + 2;
        }
        return m.getBody().length + m.getTopic().length() + properties + 64 /* unique id */ + 64 /* fixed fields */;
    }
}
