package learn.rocketmq.springboot.listener;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.springboot.StackClients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Service;

/**
 * Three {@code @RocketMQMessageListener}s on one topic, three consumer groups, so each sees every
 * message its selector lets through ({@link OrderListeners}):
 * <ul>
 *   <li>a tag selector, {@code "paid || shipped"} (the tag is what follows the colon in
 *   {@code topic:tag}), filtered on the broker by the tag's hash;</li>
 *   <li>an SQL92 selector, {@code "amount > 100"}, on a message property: a Spring message
 *   header becomes one (the broker needs {@code enablePropertyFilter=true});</li>
 *   <li>an orderly listener ({@code ConsumeMode.ORDERLY}): one thread per queue at a time, so the
 *   events of one order, sent to one queue by {@code syncSendOrderly}, are handled in order.</li>
 * </ul>
 * Roadmap: Beyond the roadmap: Spring Boot: @RocketMQMessageListener (tag, SQL92, orderly).
 *
 * <p>Run it: {@code ./lesson ListenerModes} (a few seconds).
 */
@SpringBootApplication
@Import(StackClients.class) // this project's client settings, and where a new group starts: see StackClients
@Service
public class ListenerModes {

    public static final String TOPIC = "LessonSpringListeners";

    /** Orders and their amounts: two are above 100. */
    public static final Map<String, Integer> AMOUNTS = Map.of("o-1", 40, "o-2", 150, "o-3", 90, "o-4", 300);
    public static final List<String> STEPS = List.of("created", "paid", "shipped");

    /** One event of an order: step {@code step} of {@link #STEPS}. */
    public record OrderStep(String run, String order, String step, int amount) {
    }

    private final RocketMQTemplate template;
    private final OrderListeners listeners;

    public ListenerModes(RocketMQTemplate template, OrderListeners listeners) {
        this.template = template;
        this.listeners = listeners;
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        createTopic(rocketmq);
        try (var app = RocketMQBoot.run(ListenerModes.class, rocketmq)) {
            app.getBean(ListenerModes.class).sendAndReceive(String.valueOf(System.currentTimeMillis()));
        }
    }

    public static void createTopic(RocketMQ rocketmq) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.NORMAL, 4);
        }
    }

    /** Sends every step of every order (tag = step, header amount), waits (bounded) for the three listeners. */
    public OrderListeners.Seen sendAndReceive(String run) throws Exception {
        // 1. Step by step across orders, each order's steps to one queue (hash key = order id).
        for (String step : STEPS) {
            for (Map.Entry<String, Integer> order : new java.util.TreeMap<>(AMOUNTS).entrySet()) {
                template.syncSendOrderly(TOPIC + ":" + step, MessageBuilder
                    .withPayload(new OrderStep(run, order.getKey(), step, order.getValue()))
                    .setHeader("amount", order.getValue()) // a message property the SQL92 selector reads
                    .build(), order.getKey());
            }
        }
        System.out.printf("Sent %d events: %d orders x %s.%n", AMOUNTS.size() * STEPS.size(), AMOUNTS.size(), STEPS);

        // 2. Each listener gets what its selector lets through.
        int tagged = AMOUNTS.size() * 2;
        int big = (int) AMOUNTS.values().stream().filter(a -> a > 100).count() * STEPS.size();
        int all = AMOUNTS.size() * STEPS.size();
        Wait.until(Duration.ofSeconds(30), "the three listeners receive theirs", () -> {
            OrderListeners.Seen seen = listeners.seen(run);
            return seen.paidOrShipped().size() == tagged && seen.bigOrders().size() == big
                && seen.stepsInOrder().values().stream().mapToInt(List::size).sum() == all;
        });
        OrderListeners.Seen seen = listeners.seen(run);
        System.out.printf("tag \"paid || shipped\": %d events %s%n", seen.paidOrShipped().size(), seen.paidOrShipped());
        System.out.printf("SQL92 \"amount > 100\": %d events %s%n", seen.bigOrders().size(), seen.bigOrders());
        seen.stepsInOrder().forEach((order, steps) -> System.out.printf("orderly, %s: %s%n", order, steps));
        return seen;
    }
}
