package learn.rocketmq.springboot.template;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.springboot.template.TemplateSends.OrderEvent;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.stereotype.Component;

/**
 * The consuming side of {@link TemplateSends}: one {@code @RocketMQMessageListener} per topic
 * (a listener subscribes to exactly one), each a push consumer of its own group that the starter
 * builds, starts with the application and shuts down with it. {@code RocketMQListener<OrderEvent>}
 * makes the starter decode the JSON body into the record; returning normally acknowledges the
 * message, throwing makes the broker redeliver it later.
 */
@Component
public class OrderEventListeners {

    /** An event and when it arrived (epoch ms). */
    public record Received(OrderEvent event, long receivedAt) {
    }

    private final Map<String, Map<String, Received>> byRun = new ConcurrentHashMap<>();

    /** What arrived of run {@code run}, by event id (a redelivery counts once). */
    public Map<String, Received> received(String run) {
        return Map.copyOf(byRun.getOrDefault(run, Map.of()));
    }

    void record(OrderEvent event) {
        byRun.computeIfAbsent(event.run(), r -> new ConcurrentHashMap<>())
            .putIfAbsent(event.id(), new Received(event, System.currentTimeMillis()));
    }

    @Component
    @RocketMQMessageListener(topic = TemplateSends.TOPIC, consumerGroup = "lesson-spring-orders")
    public static class Orders implements RocketMQListener<OrderEvent> {
        private final OrderEventListeners received;

        public Orders(OrderEventListeners received) {
            this.received = received;
        }

        @Override
        public void onMessage(OrderEvent event) {
            received.record(event);
        }
    }

    @Component
    @RocketMQMessageListener(topic = TemplateSends.DELAY_TOPIC, consumerGroup = "lesson-spring-reminders")
    public static class Reminders implements RocketMQListener<OrderEvent> {
        private final OrderEventListeners received;

        public Reminders(OrderEventListeners received) {
            this.received = received;
        }

        @Override
        public void onMessage(OrderEvent event) {
            received.record(event);
        }
    }
}
