package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.basics.messagetypes.SendAndReceiveGrpc;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Synchronous send: {@code send()} returns only when the broker has stored the message (or has
 * failed, after the producer's retries), with a {@link SendResult} that says where it is.
 * Roadmap: 3.1 Producer Basics: Send synchronous messages.
 *
 * <p>The most reliable and simplest way to send: one round trip per message, so the slowest too.
 * Use it for what must not be lost (orders, payments); the result's queue and offset are the
 * message's address in the broker. Run it: {@code ./lesson SyncProducer}. The 5.x client's
 * {@code producer.send()} is synchronous too: see {@link SendAndReceiveGrpc}.
 */
public class SyncProducer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSyncProducer", "lesson-sync-producer", 8);
        System.out.printf("Done: %d sent, the broker's queues hold %d.%n", result.sent().size(), result.stored());
    }

    /** Every send result, and how many messages the topic's queues hold afterwards. */
    public record Result(List<SendResult> sent, long stored) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            DefaultMQProducer producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.start();
            List<SendResult> sent = new ArrayList<>();
            try {
                for (int i = 1; i <= count; i++) {
                    Message message = new Message(topic, "TagA", "sync-" + i, ("message " + i).getBytes(StandardCharsets.UTF_8));
                    long t0 = System.nanoTime();
                    // Blocks until the broker answers: stored (SEND_OK), or an exception.
                    SendResult result = producer.send(message);
                    sent.add(result);
                    // Where it is now: the queue (round robin over the 4) and its offset in that
                    // queue, which grows by one per message. The id finds it again later.
                    System.out.printf("sync-%d: %s in %.1f ms, queue %d offset %d, id %s%n", i, result.getSendStatus(),
                        (System.nanoTime() - t0) / 1e6, result.getMessageQueue().getQueueId(), result.getQueueOffset(),
                        result.getMsgId());
                }
            } finally {
                producer.shutdown();
            }
            // Nothing to wait for: when send() returned, the message was stored.
            long stored = admin.storedMessages(topic);
            System.out.printf("The broker's queues of %s hold %d messages.%n", topic, stored);
            return new Result(sent, stored);
        }
    }
}
