package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * A 5.5.0 surprise: brokers that serve SQL92 subscriptions are configured with
 * {@code enablePropertyFilter=true} (default false), and a classic consumer is refused without it
 * ({@link Sql92Filtering}). The 5.x consumer is not: its receive (the broker's "pop") does not check
 * the switch and filters anyway. The lesson subscribes with {@code amount > 100} on such a broker
 * and shows what arrives. Observed, not documented: set the switch anyway.
 * Roadmap: 4.3 Message Filtering: SQL92 filtering.
 *
 * <p>Run it: {@code ./lesson Sql92WithoutPropertyFilterGrpc} (it starts its own broker with the
 * switch off: this project's {@code config/broker.conf} turns it on).
 */
public class Sql92WithoutPropertyFilterGrpc {

    public static void main(String[] args) throws Exception {
        // The switch is on in this project's broker.conf: the lesson starts a broker of its own
        // with it off (a few seconds), from the stack.
        try (EmbeddedRocketMQ broker = EmbeddedRocketMQ.start(StackProfile.DEFAULTS, Map.of("enablePropertyFilter", "false"))) {
            List<String> received = run(broker.rocketMQ(), "LessonSql92WithoutPropertyFilterGrpc",
                "lesson-sql92-without-property-filter-grpc");
            System.out.printf("Done: received %s.%n", received);
        }
    }

    /**
     * On a broker started with {@code enablePropertyFilter=false} (where a classic SQL92 consumer
     * is refused): a 5.x consumer subscribes with {@code amount > 100}; amounts 50, 150, none and an
     * end marker are sent. Returns the keys it received before the end marker.
     */
    public static List<String> run(RocketMQ rocketmqWithoutSql, String topic, String group)
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
}
