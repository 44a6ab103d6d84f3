package learn.rocketmq.advanced.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Performance: the same messages sent one by one and in batches, to the same broker, in one run.
 * A synchronous send costs a network round trip and a store append per request; a batch pays that
 * once for many messages. Where it helps: many small messages from one place (logs, metrics, a
 * bulk import). Where it does not: messages that must go out one at a time as they happen
 * (latency matters), or to different topics. Other levers, printed for reference: async sends
 * (many requests in flight), {@code compressMsgBodyOverHowmuch} (bodies over 4 KiB are
 * compressed), and more producer instances.
 * With the classic client.
 * Roadmap: 4.4 Batch Operations: Performance optimization.
 * Run it: {@code ./lesson BatchThroughput}.
 */
public class BatchThroughput {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonBatchThroughput", 2000, 100, 512);
    }

    /** Messages per second each way, and how many of each the broker stored. */
    public record Result(double singlePerSecond, double batchPerSecond, long stored) {
    }

    public static Result run(RocketMQ rocketmq, String topic, int count, int batchSize, int bodyBytes) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        DefaultMQProducer producer = new DefaultMQProducer(topic + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        long stored = 0;
        try {
            producer.send(new Message(topic, "warm-up", body)); // routes and connection first, untimed

            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                requireOk(producer.send(new Message(topic, "single", "s-" + i, body)).getSendStatus());
            }
            double single = count / ((System.nanoTime() - t0) / 1e9);

            long t1 = System.nanoTime();
            for (int i = 0; i < count; i += batchSize) {
                List<Message> batch = new ArrayList<>();
                for (int j = i; j < Math.min(count, i + batchSize); j++) {
                    batch.add(new Message(topic, "batch", "b-" + j, body));
                }
                requireOk(producer.send(batch).getSendStatus());
            }
            double batched = count / ((System.nanoTime() - t1) / 1e9);

            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                stored = admin.storedMessages(topic);
            }
            System.out.printf("%d messages of %d bytes, synchronous sends, one producer thread:%n", count, bodyBytes);
            System.out.printf("  one by one:        %8.0f msg/s%n", single);
            System.out.printf("  batches of %-4d    %8.0f msg/s (%.1fx)%n", batchSize, batched, batched / single);
            System.out.printf("The broker stored %d messages (2 x %d + 1 warm-up).%n", stored, count);
            return new Result(single, batched, stored);
        } finally {
            producer.shutdown();
        }
    }

    private static void requireOk(SendStatus status) {
        if (status != SendStatus.SEND_OK) {
            throw new IllegalStateException("send status " + status);
        }
    }
}
