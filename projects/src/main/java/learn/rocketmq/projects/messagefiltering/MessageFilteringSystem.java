package learn.rocketmq.projects.messagefiltering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.advanced.filtering.Sql92Filtering;
import learn.rocketmq.advanced.filtering.TagFiltering;
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
 * Hands-on project: a message filtering system with the 5.x client. A catalogue publishes product
 * events to one topic (tag = the event type, properties = category, price, region); subscribers
 * declare their interests as a consumer group plus a filter, by tag or by SQL92, and the broker
 * sends each only what it asked for. Adding a subscriber is creating a group with a filter: the
 * publisher does not change.
 * Roadmap: Phase 4 hands-on: Message filtering system.
 *
 * <p>The subscribers: an audit log (tag {@code *}), new-product alerts (tag {@code new-product}),
 * price watchers ({@code price-changed || new-product}), bargain hunters (SQL92: books under 20),
 * and the EU warehouse (SQL92 on the tag and a property: {@code TAGS = 'stock-changed' AND region
 * = 'eu'}; the tag is a property named TAGS in SQL). The classic client's filters:
 * {@link TagFiltering}, {@link Sql92Filtering}.
 * Run it: {@code ./lesson MessageFilteringSystem}.
 */
public class MessageFilteringSystem {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonMessageFilteringSystem", "lesson-filtering-system");
    }

    /** A product event: its key, tag (event type) and properties. */
    record Event(String key, String tag, Map<String, String> properties) {
    }

    static final List<Event> EVENTS = List.of(
        new Event("e1", "new-product", Map.of("category", "books", "price", "12", "region", "eu")),
        new Event("e2", "price-changed", Map.of("category", "books", "price", "35", "region", "us")),
        new Event("e3", "price-changed", Map.of("category", "books", "price", "15", "region", "eu")),
        new Event("e4", "stock-changed", Map.of("category", "garden", "price", "80", "region", "eu")),
        new Event("e5", "stock-changed", Map.of("category", "books", "price", "9", "region", "us")),
        new Event("e6", "new-product", Map.of("category", "toys", "price", "25", "region", "us")),
        new Event("e7", "discontinued", Map.of("category", "garden", "price", "5", "region", "eu")));

    /** Subscriber name -> its filter. */
    static final Map<String, FilterExpression> SUBSCRIBERS = new LinkedHashMap<>();

    static {
        SUBSCRIBERS.put("audit-log", new FilterExpression("*", FilterExpressionType.TAG));
        SUBSCRIBERS.put("new-product-alerts", new FilterExpression("new-product", FilterExpressionType.TAG));
        SUBSCRIBERS.put("price-watchers", new FilterExpression("price-changed || new-product", FilterExpressionType.TAG));
        SUBSCRIBERS.put("bargain-hunters", new FilterExpression("category = 'books' AND price < 20", FilterExpressionType.SQL92));
        SUBSCRIBERS.put("eu-warehouse", new FilterExpression("TAGS = 'stock-changed' AND region = 'eu'", FilterExpressionType.SQL92));
    }

    /** Sent last; each subscriber matches at least one, so getting it means it has seen everything. */
    private static final List<Event> SENTINELS = List.of(
        new Event("sentinel-1", "new-product", Map.of("category", "books", "price", "1", "region", "eu")),
        new Event("sentinel-2", "stock-changed", Map.of("category", "books", "price", "1", "region", "eu")));

    public record Result(Map<String, Set<String>> receivedBySubscriber) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String groupPrefix) throws Exception {
        rocketmq.requireProxy();
        // One queue, one consuming thread per subscriber: events are handled in the order published,
        // so a subscriber that got a sentinel has passed every event before it.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            SUBSCRIBERS.keySet().forEach(name -> admin.createConsumerGroup(groupPrefix + "-" + name));
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);
        Map<String, Set<String>> received = new LinkedHashMap<>();
        CountDownLatch sawSentinel = new CountDownLatch(SUBSCRIBERS.size());
        List<PushConsumer> subscribers = new ArrayList<>();
        try {
            for (Map.Entry<String, FilterExpression> s : SUBSCRIBERS.entrySet()) {
                Set<String> keys = new ConcurrentSkipListSet<>();
                received.put(s.getKey(), keys);
                subscribers.add(provider.newPushConsumerBuilder()
                    .setClientConfiguration(configuration)
                    .setConsumerGroup(groupPrefix + "-" + s.getKey())
                    .setConsumptionThreadCount(1)
                    .setSubscriptionExpressions(Map.of(topic, s.getValue()))
                    .setMessageListener(ConsumerProgress.keysUntilSentinelGrpc(keys, sawSentinel))
                    .build());
            }
            try (Producer catalogue = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
                List<Event> all = new ArrayList<>(EVENTS);
                all.addAll(SENTINELS);
                for (Event e : all) {
                    MessageBuilder m = provider.newMessageBuilder().setTopic(topic).setTag(e.tag()).setKeys(e.key())
                        .setBody(e.key().getBytes(StandardCharsets.UTF_8));
                    e.properties().forEach(m::addProperty);
                    catalogue.send(m.build());
                }
                EVENTS.forEach(e -> System.out.printf("Published %s %-14s %s%n", e.key(), e.tag(), e.properties()));
                if (!sawSentinel.await(60, TimeUnit.SECONDS)) {
                    System.out.println("Not every subscriber saw the end within 60 s.");
                }
            }
        } finally {
            Clients.closeAll(subscribers);
        }
        received.forEach((name, keys) -> System.out.printf("  %-20s %-45s -> %s%n", name, SUBSCRIBERS.get(name).getExpression(), keys));
        return new Result(received);
    }
}
