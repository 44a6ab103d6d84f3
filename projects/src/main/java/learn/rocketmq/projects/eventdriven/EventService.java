package learn.rocketmq.projects.eventdriven;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.projects.eventdriven.Events.Event;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;

/**
 * What every service of the project is made of: one consumer group, one tag subscription, an
 * idempotent way of handling events, and any number of running instances ({@link ServiceInstance},
 * in real life processes of their own). What a service does with an event is its {@link Handler}:
 * {@link Orders}, {@link Payments}, {@link Shipping}, {@link Notifications}.
 */
final class EventService {

    /** How a service reacts to one event; returns what it did, in words. */
    interface Handler {
        String handle(Event event, ServiceInstance out) throws Exception;
    }

    /** What one service did, as the test looks at it. */
    public record ServiceView(String group, String subscription, Map<String, Integer> processedByType,
                              Set<String> tagsReceived, Map<String, Set<String>> messagesByInstance,
                              Map<String, List<String>> eventsByInstance, Map<String, Set<String>> messagesByEventId,
                              List<String> duplicatesIgnored) {
    }

    final String name;
    final String group;
    final String subscription;
    private final Handler handler;
    // Its own records, shared by its instances (in real life: the service's database).
    private final Set<String> processedEventIds = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> processedByType = new ConcurrentHashMap<>();
    final List<String> duplicatesIgnored = new CopyOnWriteArrayList<>();
    // What was delivered and sent, for the lesson to show.
    private final Set<String> tagsReceived = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> messagesByInstance = new ConcurrentHashMap<>();
    final Map<String, List<String>> eventsByInstance = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> messagesByEventId = new ConcurrentHashMap<>();
    final Map<String, Set<String>> sentByEventId = new ConcurrentHashMap<>();
    final List<ServiceInstance> running = new CopyOnWriteArrayList<>();

    EventService(String name, String group, String subscription, Handler handler) {
        this.name = name;
        this.group = group;
        this.subscription = subscription;
        this.handler = handler;
    }

    /** Starts an instance: a push consumer in the service's group and a producer. */
    ServiceInstance start(String instanceId, ClientServiceProvider provider, ClientConfiguration configuration, String topic)
        throws Exception {
        Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build();
        ServiceInstance instance = new ServiceInstance(instanceId, this, provider, producer, topic);
        instance.consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            // Only the tags this service needs: the broker filters the rest out.
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression(subscription, FilterExpressionType.TAG)))
            .setMessageListener(view -> consume(instance, view))
            .build();
        running.add(instance);
        return instance;
    }

    /**
     * The idempotent handler: an event id seen before is acknowledged and ignored. The id is
     * claimed before the work (atomically, so of two concurrent copies one wins) and released if
     * the work fails. With a database: the event id (a unique key) and the state change
     * committed in one transaction.
     */
    private ConsumeResult consume(ServiceInstance instance, MessageView view) {
        Event e = new Event(view.getTag().orElse(""), view.getProperties().get("orderId"),
            view.getProperties().get("eventId"), Long.parseLong(view.getProperties().get("amount")),
            view.getMessageId().toString());
        tagsReceived.add(e.type());
        messagesByInstance.computeIfAbsent(instance.id, k -> ConcurrentHashMap.newKeySet()).add(e.messageId());
        messagesByEventId.computeIfAbsent(e.eventId(), k -> ConcurrentHashMap.newKeySet()).add(e.messageId());
        if (!processedEventIds.add(e.eventId())) { // atomic: one of two concurrent deliveries wins
            System.out.printf("  [%-15s] %s %s: event id seen before, ignored (a duplicate)%n", instance.id, e.type(), e.orderId());
            duplicatesIgnored.add(e.eventId());
            return ConsumeResult.SUCCESS;
        }
        try {
            String did = handler.handle(e, instance);
            processedByType.merge(e.type(), 1, Integer::sum);
            eventsByInstance.computeIfAbsent(instance.id, k -> new CopyOnWriteArrayList<>()).add(e.eventId());
            System.out.printf("  [%-15s] %s %s: %s%n", instance.id, e.type(), e.orderId(), did);
            return ConsumeResult.SUCCESS;
        } catch (Exception failure) {
            processedEventIds.remove(e.eventId()); // not done: the redelivery must do it
            System.out.printf("  [%-15s] %s %s failed (%s), redelivered later%n", instance.id, e.type(), e.orderId(), failure);
            return ConsumeResult.FAILURE;
        }
    }

    int processedCount() {
        return processedByType.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The message ids of the events of this type this service published. */
    Set<String> messagesSent(String type) {
        Set<String> ids = new TreeSet<>();
        sentByEventId.forEach((eventId, messageIds) -> {
            if (eventId.startsWith(type + ":")) {
                ids.addAll(messageIds);
            }
        });
        return ids;
    }

    void stop(ServiceInstance instance) {
        running.remove(instance);
        instance.close();
    }

    ServiceView view() {
        Map<String, List<String>> events = new TreeMap<>();
        eventsByInstance.forEach((k, v) -> events.put(k, List.copyOf(v)));
        Map<String, Set<String>> messages = new TreeMap<>();
        messagesByInstance.forEach((k, v) -> messages.put(k, Set.copyOf(v)));
        Map<String, Set<String>> byEvent = new TreeMap<>();
        messagesByEventId.forEach((k, v) -> byEvent.put(k, Set.copyOf(v)));
        return new ServiceView(group, subscription, new TreeMap<>(processedByType), new TreeSet<>(tagsReceived),
            messages, events, byEvent, List.copyOf(duplicatesIgnored));
    }
}
