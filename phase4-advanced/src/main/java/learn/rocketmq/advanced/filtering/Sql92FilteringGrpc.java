package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
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
 *   ({@link Sql92WithoutPropertyFilterGrpc}). Observed, not documented: set the switch.</li>
 * </ul>
 * The classic client: {@link Sql92Filtering}.
 * Run it: {@code ./lesson Sql92FilteringGrpc}.
 */
public class Sql92FilteringGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonSql92FilteringGrpc", "lesson-sql92-filtering-grpc");
    }

    /** Expression -> keys of the messages that group received. */
    public record Result(Map<String, Set<String>> receivedByExpression) {
    }

    /** The messages and conditions of {@link SqlFilterCases}, one group per condition. */
    public static Result run(RocketMQ rocketmq, String topic, String groupPrefix) throws Exception {
        rocketmq.requireProxy();
        List<String> expressions = SqlFilterCases.EXPRESSIONS;
        // One queue, one consumption thread per consumer: messages are consumed in the order sent,
        // so a consumer that got a sentinel has passed everything before it.
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
                consumers.add(provider.newPushConsumerBuilder()
                    .setClientConfiguration(configuration)
                    .setConsumerGroup(groupPrefix + "-" + i) // one group per condition
                    .setConsumptionThreadCount(1)
                    // The filter: a SQL92 condition on the properties instead of a tag expression.
                    .setSubscriptionExpressions(Map.of(topic, new FilterExpression(expression, FilterExpressionType.SQL92)))
                    .setMessageListener(ConsumerProgress.keysUntilSentinelGrpc(keys, endSeen))
                    .build());
            }
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
                Map<String, Map<String, String>> all = new LinkedHashMap<>(SqlFilterCases.MESSAGES);
                all.putAll(SqlFilterCases.SENTINELS);
                for (Map.Entry<String, Map<String, String>> e : all.entrySet()) {
                    MessageBuilder message = provider.newMessageBuilder().setTopic(topic).setTag("order").setKeys(e.getKey())
                        .setBody(e.getKey().getBytes(StandardCharsets.UTF_8));
                    e.getValue().forEach(message::addProperty); // the properties the broker filters on
                    producer.send(message.build());
                }
            }
            SqlFilterCases.MESSAGES.forEach((k, p) -> System.out.printf("Sent %s %s%n", k, p));
            if (!endSeen.await(30, TimeUnit.SECONDS)) {
                System.out.println("Not every consumer saw a sentinel within 30 s.");
            }
        } finally {
            Clients.closeAll(consumers);
        }
        received.forEach((e, keys) -> System.out.printf("  %-50s -> %s%n", e, keys));
        System.out.println("m6-no-properties matched only 'coupon IS NULL': a missing property makes a comparison unknown.");
        return new Result(received);
    }
}
