package learn.rocketmq.projects.eventdriven;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;

/** One running instance of a service (in real life: a process of its own): its consumer and its producer. */
final class ServiceInstance {
    final String id;
    private final EventService service;
    private final ClientServiceProvider provider;
    private final Producer producer;
    private final String topic;
    PushConsumer consumer;

    ServiceInstance(String id, EventService service, ClientServiceProvider provider, Producer producer, String topic) {
        this.id = id;
        this.service = service;
        this.provider = provider;
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * Publishes an event: type as tag, order id as key and as the correlation property. The event
     * id is derived from its cause, so publishing it again (a retry) gives the same event id.
     * Returns the event id.
     */
    String publish(String type, String orderId, long amount) throws Exception {
        String eventId = type + ":" + orderId;
        String messageId = producer.send(provider.newMessageBuilder()
            .setTopic(topic)
            .setTag(type)
            .setKeys(orderId)
            .addProperty("orderId", orderId)
            .addProperty("eventId", eventId)
            .addProperty("amount", String.valueOf(amount))
            .setBody((type + " " + orderId + " amount=" + amount).getBytes(StandardCharsets.UTF_8))
            .build()).getMessageId().toString();
        service.sentByEventId.computeIfAbsent(eventId, k -> ConcurrentHashMap.newKeySet()).add(messageId);
        return eventId;
    }

    void close() {
        try {
            if (consumer != null) {
                consumer.close(); // waits for its pending long-poll
            }
            producer.close();
        } catch (Exception e) {
            System.out.printf("closing %s: %s%n", id, e);
        }
    }
}
