package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * SQL92 filtering with the 5.x client: the subscription is a {@link FilterExpression} of type
 * {@link FilterExpressionType#SQL92}, a condition on the message's properties
 * ({@code MessageBuilder.addProperty}), evaluated by the broker behind the proxy. The same syntax
 * as the classic client: comparisons, {@code BETWEEN a AND b}, {@code IN ('x', 'y')},
 * {@code IS NULL} / {@code IS NOT NULL}, {@code AND} / {@code OR} / {@code NOT}. Property values
 * are strings; numeric ones compare as numbers.
 * Roadmap: 4.3 Message Filtering: SQL92 filtering.
 *
 * <p>Things to notice:
 * <ul>
 *   <li>A message <em>without</em> the property matches neither {@code amount > 100} nor
 *   {@code NOT (amount > 100)}: a comparison with a missing value is unknown, never true. Only
 *   {@code IS NULL} finds it.</li>
 *   <li>Each condition is its own consumer group: a group has one subscription per topic, and every
 *   group gets its own copy of the matching messages.</li>
 *   <li>Brokers that serve SQL92 subscriptions are configured with {@code enablePropertyFilter=true}
 *   (default false). A classic consumer is refused without it. In 5.5.0 the 5.x consumer is not:
 *   its receive (the broker's "pop") does not check the switch and filters anyway
 *   ({@link #withoutPropertyFilter}). Observed, not documented: set the switch.</li>
 * </ul>
 * The classic client: {@link Sql92Filtering}.
 * Run it: {@code ./lesson Sql92FilteringGrpc}.
 */
public class Sql92FilteringGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonSql92FilteringGrpc", "lesson-sql92-filtering-grpc");
    }

    /**
     * Sent last; between them they match every expression (no single message can match both
     * {@code amount > 100} and {@code NOT (amount > 100)}), so each group knows it has seen all.
     */
    static final Map<String, Map<String, String>> END_MARKERS = Map.of(
        "end-a", Map.of("region", "eu", "amount", "400", "vip", "true"),
        "end-b", Map.of("region", "eu", "amount", "50", "vip", "true"));

    /** The messages and conditions of {@link Sql92Filtering}; the result: expression -> keys received. */
    public static Sql92Filtering.Result run(RocketMQ rocketmq, String topic, String groupPrefix) throws Exception {
        rocketmq.requireProxy();
        List<String> expressions = Sql92Filtering.EXPRESSIONS;
        // One queue, one consumption thread per consumer: messages are consumed in the order sent,
        // so a consumer that got an end marker has passed everything before it.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            for (int i = 0; i < expressions.size(); i++) {
                admin.createConsumerGroup(groupPrefix + "-" + i);
            }
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        Map<String, Set<String>> received = new LinkedHashMap<>();
        CountDownLatch endSeen = new CountDownLatch(expressions.size());
        List<PushConsumer> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < expressions.size(); i++) {
                String expression = expressions.get(i);
                Set<String> keys = new ConcurrentSkipListSet<>();
                received.put(expression, keys);
                AtomicBoolean sawEnd = new AtomicBoolean();
                consumers.add(provider.newPushConsumerBuilder()
                    .setClientConfiguration(configuration)
                    .setConsumerGroup(groupPrefix + "-" + i) // one group per condition
                    .setConsumptionThreadCount(1)
                    // The filter: a SQL92 condition on the properties instead of a tag expression.
                    .setSubscriptionExpressions(Map.of(topic, new FilterExpression(expression, FilterExpressionType.SQL92)))
                    .setMessageListener(view -> {
                        String key = view.getKeys().iterator().next();
                        if (!key.startsWith("end-")) {
                            keys.add(key);
                        } else if (sawEnd.compareAndSet(false, true)) {
                            endSeen.countDown();
                        }
                        return ConsumeResult.SUCCESS;
                    })
                    .build());
            }
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
                Map<String, Map<String, String>> all = new LinkedHashMap<>(Sql92Filtering.MESSAGES);
                all.putAll(END_MARKERS);
                for (Map.Entry<String, Map<String, String>> e : all.entrySet()) {
                    MessageBuilder message = provider.newMessageBuilder().setTopic(topic).setTag("order").setKeys(e.getKey())
                        .setBody(e.getKey().getBytes(StandardCharsets.UTF_8));
                    e.getValue().forEach(message::addProperty); // the properties the broker filters on
                    producer.send(message.build());
                }
            }
            Sql92Filtering.MESSAGES.forEach((k, p) -> System.out.printf("Sent %s %s%n", k, p));
            if (!endSeen.await(30, TimeUnit.SECONDS)) {
                System.out.println("Not every consumer saw an end marker within 30 s.");
            }
        } finally {
            closeAll(consumers);
        }
        received.forEach((e, keys) -> System.out.printf("  %-50s -> %s%n", e, keys));
        System.out.println("m6-no-properties matched only 'coupon IS NULL': a missing property makes a comparison unknown.");
        return new Sql92Filtering.Result(received);
    }

    /**
     * On a broker started with {@code enablePropertyFilter=false} (where a classic SQL92 consumer
     * is refused): a 5.x consumer subscribes with {@code amount > 100}; amounts 50, 150, none and an
     * end marker are sent. Returns the keys it received before the end marker.
     */
    public static List<String> withoutPropertyFilter(RocketMQ rocketmqWithoutSql, String topic, String group)
        throws Exception {
        rocketmqWithoutSql.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmqWithoutSql)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmqWithoutSql);
        List<String> received = new ArrayList<>();
        try (SimpleConsumer consumer = provider.newSimpleConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setAwaitDuration(Duration.ofSeconds(1))
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("amount > 100", FilterExpressionType.SQL92)))
            .build();
             Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            System.out.println("A SQL92 consumer on a broker with enablePropertyFilter=false: started.");
            Map<String, String> amounts = new LinkedHashMap<>();
            amounts.put("small-50", "50");
            amounts.put("large-150", "150");
            amounts.put("no-amount", null);
            amounts.put("end-999", "999");
            for (Map.Entry<String, String> e : amounts.entrySet()) {
                MessageBuilder message = provider.newMessageBuilder().setTopic(topic).setKeys(e.getKey())
                    .setBody(e.getKey().getBytes(StandardCharsets.UTF_8));
                if (e.getValue() != null) {
                    message.addProperty("amount", e.getValue());
                }
                producer.send(message.build());
            }
            // Receive until the end marker (sent last, and matching): everything before it has passed.
            Wait.until(Duration.ofSeconds(20), "the end marker", () -> {
                boolean end = false;
                for (MessageView view : consumer.receive(16, Duration.ofSeconds(10))) {
                    String key = view.getKeys().iterator().next();
                    end |= key.startsWith("end-");
                    if (!key.startsWith("end-")) {
                        received.add(key);
                    }
                    consumer.ack(view);
                }
                return end;
            });
        }
        System.out.printf("...and \"amount > 100\" received %s of %s: filtered all the same.%n", received,
            List.of("small-50", "large-150", "no-amount"));
        return received;
    }

    /** Each close waits for its pending long-poll: close them side by side, a thread each. */
    static void closeAll(List<PushConsumer> consumers) throws InterruptedException {
        List<Thread> closing = new ArrayList<>();
        for (PushConsumer consumer : consumers) {
            Thread t = new Thread(() -> {
                try {
                    consumer.close();
                } catch (Exception e) {
                    System.out.println("closing a consumer: " + e);
                }
            }, "close-" + closing.size());
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            t.join(30_000);
        }
    }
}
