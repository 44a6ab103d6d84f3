package learn.rocketmq.patterns.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Integration testing: your own service against a real RocketMQ, started for the test.
 * Roadmap: 7.3 Testing: Integration testing.
 *
 * <p>{@link PaymentService} is the service under test: it publishes payments and books what it
 * consumes into its database. What unit tests ({@code UnitTesting}) cannot show needs a broker:
 * that its subscription matches what it sends, that a duplicate delivery is booked once, that a poison
 * message really ends in the group's dead-letter queue. This lesson runs those checks; its test,
 * {@code IntegrationTestingTest}, is the one to copy. To test your own service the same way:
 * <ol>
 *   <li>depend on this project's {@code learn.rocketmq:stack} (test scope; {@code ./mvnw install} puts
 *   it in your local Maven repository);</li>
 *   <li>annotate the test class {@code @ExtendWith(RocketMQExtension.class)} and take {@code RocketMQ}
 *   (addresses) and {@code RocketMQAdmin} (topics, groups, counts) as test parameters: one embedded
 *   RocketMQ per test JVM, servers in processes of their own on free ports, started on first use;</li>
 *   <li>give every test its own topic and group ({@code UniqueNames.of}): the broker is shared;</li>
 *   <li>wait with a bound (Awaitility), never sleep;</li>
 *   <li>the same test against RocketMQ in Docker containers (Testcontainers), where an engine runs:
 *   {@code -Drocketmq.stack=container -Drocketmq.image=<image>}; or against a running RocketMQ:
 *   {@code -Drocketmq.namesrv=host:9876}.</li>
 * </ol>
 * Run it: {@code ./lesson IntegrationTesting}.
 */
public class IntegrationTesting {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonIntegration", "lesson-integration");
        System.out.printf("Done: %d bookings, booked %s; %d dead letter(s).%n", r.bookings(), r.booked(), r.deadLetters());
    }

    /** How many bookings the consumer made, what the database holds, and how many messages the group's DLQ holds. */
    public record Result(int bookings, Map<String, Long> booked, long deadLetters) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            try (PaymentService service = new PaymentService(rocketmq, topic, group, "jdbc:h2:mem:" + group).start()) {
                return run(rocketmq, admin, service, topic, group);
            }
        }
    }

    private static Result run(RocketMQ rocketmq, RocketMQAdmin admin, PaymentService service, String topic, String group)
        throws Exception {
        // 1. Two payments through the service's own entry point.
        service.pay("order-1", 1250);
        service.pay("order-2", 990);
        // 2. order-1's message delivered twice (a producer retry, a rebalance: at-least-once), and a poison message.
        DefaultMQProducer other = Clients.configure(new DefaultMQProducer(group + "-test-producer"), rocketmq);
        other.start();
        try {
            other.send(new Message(topic, "Paid", "order-1", "1250".getBytes(StandardCharsets.UTF_8)));
            other.send(new Message(topic, "Paid", "order-3", "twelve euros".getBytes(StandardCharsets.UTF_8)));
        } finally {
            other.shutdown();
        }
        // 3. Three bookings, two rows: the duplicate absorbed by the MERGE; the poison message in %DLQ%<group>, tried once.
        Wait.until(Duration.ofSeconds(30), "three bookings and the poison message dead-lettered",
            () -> service.bookings() == 3 && admin.storedMessages("%DLQ%" + group) == 1);
        System.out.printf("1-3. %d bookings, the database holds %s; %%DLQ%%%s holds %d message(s)%n", service.bookings(),
            service.booked(), group, admin.storedMessages("%DLQ%" + group));
        return new Result(service.bookings(), service.booked(), admin.storedMessages("%DLQ%" + group));
    }
}
