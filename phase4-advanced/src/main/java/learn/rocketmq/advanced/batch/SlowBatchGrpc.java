package learn.rocketmq.advanced.batch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import learn.rocketmq.advanced.batch.SimpleConsumerBatches.Received;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The price of a 5.x batch: all the messages of a batch share one invisible time, and it starts
 * at the receive. If each message takes t to process, a batch of N needs an invisible duration
 * above N &times; t (or {@code changeInvisibleDuration} for the messages still waiting their
 * turn). Otherwise the last ones become visible again while they wait or are being worked on. The
 * group then receives them again (here, our own next receive; in production, another consumer),
 * so they are processed twice, and the late ack fails with INVALID_RECEIPT_HANDLE. Bigger batches
 * mean fewer round trips, but a longer invisible duration, and so a longer wait before a crashed
 * consumer's messages come back. The batch itself: {@link BatchConsumptionGrpc}.
 * Roadmap: 4.4 Batch Operations: Batch consumption.
 *
 * <p>Run it: {@code ./lesson SlowBatchGrpc} (about 25 s: the batch waits out the default minimum
 * invisible time of 10 s, and the broker brings the messages back about 3 s after it).
 */
public class SlowBatchGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        SlowBatch slow = run(rocketmq, "LessonSlowBatchGrpc", "lesson-slow-batch-grpc", 8, Duration.ofSeconds(10));
        System.out.printf("Done: %d of a batch of %d were received twice.%n", slow.cameBack().size(), slow.batch().size());
    }

    /**
     * What was received, what was acked in time, what the group received again (with its delivery
     * attempt, seconds after the batch's receive), and the errors of the late acks.
     */
    public record SlowBatch(List<String> batch, List<String> ackedInTime, List<Received> cameBack, double cameBackAfterSeconds,
                            List<String> lateAckErrors) {
    }

    /**
     * Receives a batch of {@code size} messages with {@code invisible}; acks the first half at once,
     * and "still works on" the second half until the group has received those again. Then the late
     * acks of the first receipts fail, and the second deliveries are acked.
     */
    public static SlowBatch run(RocketMQ rocketmq, String topic, String group, int size, Duration invisible) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group, false);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        SimpleConsumerBatches.send(rocketmq, provider, topic, size, "slow work".getBytes(StandardCharsets.UTF_8));
        try (SimpleConsumer consumer = SimpleConsumerBatches.simpleConsumer(rocketmq, provider, topic, group)) {
            // 1. One batch; the invisible time of all its messages starts now.
            List<MessageView> batch = new ArrayList<>();
            Wait.until(Duration.ofSeconds(10), "a batch of " + size, () -> {
                batch.addAll(consumer.receive(size, invisible));
                return batch.size() >= size;
            });
            long t0 = System.nanoTime();
            System.out.printf("Received a batch of %d, invisible for %s.%n", batch.size(), invisible);

            // 2. The first half is processed quickly, and acked well within the invisible time.
            List<MessageView> quick = batch.subList(0, batch.size() / 2);
            List<MessageView> slow = batch.subList(batch.size() / 2, batch.size());
            CompletableFuture.allOf(quick.stream().map(consumer::ackAsync).toArray(CompletableFuture[]::new)).join();
            List<String> ackedInTime = quick.stream().map(SimpleConsumerBatches::key).toList();
            System.out.printf("  +%.1f s: processed and acked %s%n", seconds(t0), ackedInTime);

            // 3. The second half takes longer than the invisible time. Meanwhile the group receives
            //    again (here, this consumer; in production, any consumer of the group).
            System.out.printf("  still working on %s ...%n", slow.stream().map(SimpleConsumerBatches::key).toList());
            List<Received> cameBack = new ArrayList<>();
            List<MessageView> secondDeliveries = new ArrayList<>();
            Wait.until(invisible.plusSeconds(15), "the slow half to come back", () -> {
                for (MessageView view : consumer.receive(size, invisible)) {
                    cameBack.add(SimpleConsumerBatches.received(view));
                    secondDeliveries.add(view);
                    System.out.printf("  +%.1f s: the group received %s again (delivery attempt %d): processed twice%n",
                        seconds(t0), SimpleConsumerBatches.key(view), view.getDeliveryAttempt());
                }
                return cameBack.size() >= slow.size();
            });
            double cameBackAfter = seconds(t0);

            // 4. The slow work is done; its acks come too late: the receipts have expired.
            List<String> lateAckErrors = new ArrayList<>();
            for (MessageView view : slow) {
                try {
                    consumer.ack(view);
                    System.out.printf("  late ack of %s succeeded%n", SimpleConsumerBatches.key(view));
                } catch (ClientException e) {
                    lateAckErrors.add(e.getMessage());
                    System.out.printf("  +%.1f s: late ack of %s failed: %s%n", seconds(t0), SimpleConsumerBatches.key(view),
                        e.getMessage());
                }
            }
            // 5. The second deliveries are acked, so they do not come a third time.
            for (MessageView view : secondDeliveries) {
                consumer.ack(view);
            }
            return new SlowBatch(batch.stream().map(SimpleConsumerBatches::key).toList(), ackedInTime, cameBack, cameBackAfter,
                lateAckErrors);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
