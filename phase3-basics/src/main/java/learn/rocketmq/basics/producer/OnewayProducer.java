package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * One-way send: {@code sendOneway()} writes the message to the connection and returns; the broker
 * sends no answer, the producer does not wait for one and does not retry.
 * Roadmap: 3.1 Producer Basics: Send one-way messages.
 *
 * <p>The fastest send (microseconds), for what may be lost now and then: logs, metrics, traces.
 * What you give up: there is no {@code SendResult} (the method returns {@code void}), so no message
 * id, no queue, no offset, and no error if the broker did not store it. This lesson shows that
 * last point with a message the broker refuses: nothing tells the producer. The only way to know
 * which messages arrived is to look at the broker. The 5.x client has no one-way send.
 * Run it: {@code ./lesson OnewayProducer}.
 */
public class OnewayProducer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonOnewayProducer", "lesson-oneway-producer", 50);
        System.out.printf("Done: %d sent one-way in %.1f ms, %d found in the broker.%n", result.sent(),
            result.sendMillis(), result.stored());
    }

    /**
     * How many were sent (the refused one included), how long the loop of small ones took, how many
     * the broker holds, and whether the refused send raised an error (it does not).
     */
    public record Result(int sent, double sendMillis, long stored, boolean refusalReported) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            DefaultMQProducer producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(rocketmq.nameServer());
            // A client configured for larger messages than the broker takes (its maxMessageSize,
            // 4 MiB by default): a common misconfiguration, and a message the broker will refuse.
            producer.setMaxMessageSize(8 * 1024 * 1024);
            producer.start();
            try {
                // 1. A 5 MiB message (random, so compression cannot shrink it). A send() would throw
                //    MQBrokerException ("the message body size over max value"); one-way: silence.
                byte[] tooLarge = new byte[5 * 1024 * 1024];
                ThreadLocalRandom.current().nextBytes(tooLarge);
                boolean refusalReported = false;
                try {
                    producer.sendOneway(new Message(topic, "Log", "too-large", tooLarge));
                    System.out.println("Sent a 5 MiB message one-way: no exception, nothing came back.");
                } catch (Exception e) {
                    refusalReported = true;
                    System.out.println("The one-way send of 5 MiB failed: " + e.getMessage());
                }

                // 2. Small messages: void, nothing comes back, not even an id.
                long t0 = System.nanoTime();
                for (int i = 1; i <= count; i++) {
                    producer.sendOneway(new Message(topic, "Log", "log-" + i, ("log line " + i).getBytes(StandardCharsets.UTF_8)));
                }
                double millis = (System.nanoTime() - t0) / 1e6;
                System.out.printf("Sent %d small messages one-way in %.1f ms; no results to look at.%n", count, millis);

                // 3. Did they arrive? Only the broker can tell: watch its queues fill (bounded wait).
                Wait.until(Duration.ofSeconds(10), count + " stored messages", () -> admin.storedMessages(topic) >= count);
                long stored = admin.storedMessages(topic);
                System.out.printf("The broker's queues of %s hold %d of the %d messages sent: the 5 MiB one was"
                    + " refused, and the producer was never told.%n", topic, stored, count + 1);
                return new Result(count + 1, millis, stored, refusalReported);
            } finally {
                producer.shutdown();
            }
        }
    }
}
