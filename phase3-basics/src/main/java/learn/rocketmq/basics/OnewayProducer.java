package learn.rocketmq.basics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
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
 * id, no queue, no offset, and no error if the broker did not store it. The only way to know the
 * messages arrived is to look at the broker. The 5.x client has no one-way send.
 * Run it: {@code ./lesson OnewayProducer}.
 */
public class OnewayProducer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonOnewayProducer", "lesson-oneway-producer", 50);
        System.out.printf("Done: %d sent one-way in %.1f ms, %d found in the broker.%n", result.sent(),
            result.sendMillis(), result.stored());
    }

    /** How many were sent, how long the sending loop took, how many the broker holds. */
    public record Result(int sent, double sendMillis, long stored) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            DefaultMQProducer producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.start();
            double millis;
            try {
                long t0 = System.nanoTime();
                for (int i = 1; i <= count; i++) {
                    Message message = new Message(topic, "Log", "log-" + i, ("log line " + i).getBytes(StandardCharsets.UTF_8));
                    producer.sendOneway(message); // void: nothing comes back, not even an id
                }
                millis = (System.nanoTime() - t0) / 1e6;
                System.out.printf("Sent %d messages one-way in %.1f ms; no results to look at.%n", count, millis);

                // Did they arrive? Only the broker can tell: watch its queues fill (bounded wait).
                long stored = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline && (stored = admin.storedMessages(topic)) < count) {
                    Thread.sleep(100);
                }
                System.out.printf("The broker's queues of %s hold %d of the %d messages.%n", topic, stored, count);
                return new Result(count, millis, stored);
            } finally {
                producer.shutdown();
            }
        }
    }
}
