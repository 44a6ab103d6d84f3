package learn.rocketmq.patterns.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Unit testing producers and consumers without a broker, and what such tests cannot catch: the
 * same code, whose unit tests pass, run against the real broker.
 * Roadmap: 7.3 Testing: Unit testing producers/consumers.
 *
 * <p>{@link PaymentEvents} keeps its logic out of RocketMQ's way: the sender is a one-method
 * interface (a lambda collecting what was sent is the whole fake: no mocking library needed for
 * that; one helps where a collaborator has many methods), and the listener is tested by calling
 * {@code consumeMessage} with {@code MessageExt} objects built by hand and reading its decision from
 * a real {@code ConsumeConcurrentlyContext}. Those tests run in milliseconds and prove the logic. They
 * cannot prove what only the broker decides: here the consumer subscribes to tag {@code PAID} while
 * the producer tags {@code Paid} (tags are case-sensitive, filtered on the broker by hash code), so
 * nothing arrives, though every unit test passes; and a topic that was never created fails the first
 * real send. That is what integration tests against a real RocketMQ are for (7.3 Integration testing).
 * Run it: {@code ./lesson UnitTesting} (its unit tests: {@code UnitTestingTest}).
 */
public class UnitTesting {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonUnitTesting", "lesson-unit-testing", "PAID");
        System.out.printf("Done: sent %d, booked %s with subscription \"PAID\"; the missing topic: %s.%n", r.sent(), r.booked(),
            r.missingTopicError());
    }

    /** How many were sent, what the consumer booked with {@code subscription}, and what a send to a missing topic threw. */
    public record Result(int sent, Map<String, Long> booked, String missingTopicError) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, String subscription) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1); // one queue, one consume thread: the marker comes last
        }
        Map<String, Long> booked = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(1);
        consumer.setConsumeThreadMax(1);
        consumer.subscribe(topic, subscription);
        consumer.registerMessageListener(PaymentEvents.listener(booked::put));
        consumer.start();
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.start();
        try {
            // The production sender: the interface the unit tests fake, backed by the real producer.
            PaymentEvents.Sender sender = (t, tag, key, body) -> producer.send(new Message(t, tag, key, body));
            for (String order : List.of("order-1", "order-2", "order-3")) {
                PaymentEvents.paid(sender, topic, order, 1250);
            }
            // A marker with the consumer's own tag: once it is booked, anything sent before it to the same
            // queue would have been too (one queue, one consume thread).
            sender.send(topic, subscription, "marker", "0".getBytes());
            Wait.until(Duration.ofSeconds(30), "the marker to be booked", () -> booked.containsKey("marker"));
            booked.remove("marker");
            System.out.printf("1. 3 payments tagged \"Paid\"; the consumer subscribed to \"%s\" booked %s%n", subscription, booked);
            String missing;
            try {
                PaymentEvents.paid(sender, topic + "-never-created", "order-4", 100);
                missing = "sent";
            } catch (Exception e) {
                missing = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            }
            System.out.printf("2. A send to a topic nobody created: %s%n", missing);
            return new Result(3, Map.copyOf(booked), missing);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }
}
