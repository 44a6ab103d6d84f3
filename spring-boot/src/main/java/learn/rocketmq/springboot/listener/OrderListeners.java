package learn.rocketmq.springboot.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.springboot.listener.ListenerModes.OrderStep;
import org.apache.rocketmq.spring.annotation.ConsumeMode;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.annotation.SelectorType;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.stereotype.Component;

/** The listeners of {@link ListenerModes}, and what each has seen (per run). */
@Component
public class OrderListeners {

    /** Per listener: "order/step" seen by the tag and SQL92 listeners; per order, steps as the orderly one handled them. */
    public record Seen(Set<String> paidOrShipped, Set<String> bigOrders, Map<String, List<String>> stepsInOrder) {
    }

    private final Map<String, Set<String>> paidOrShipped = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> bigOrders = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<String>>> steps = new ConcurrentHashMap<>();

    public Seen seen(String run) {
        Map<String, List<String>> inOrder = new TreeMap<>();
        steps.getOrDefault(run, Map.of()).forEach((order, list) -> {
            synchronized (list) {
                inOrder.put(order, List.copyOf(list));
            }
        });
        return new Seen(new TreeSet<>(paidOrShipped.getOrDefault(run, Set.of())),
            new TreeSet<>(bigOrders.getOrDefault(run, Set.of())), inOrder);
    }

    private static String name(OrderStep e) {
        return e.order() + "/" + e.step();
    }

    @Component
    @RocketMQMessageListener(topic = ListenerModes.TOPIC, consumerGroup = "lesson-spring-paid-or-shipped",
        selectorExpression = "paid || shipped") // selectorType TAG is the default
    public static class PaidOrShipped implements RocketMQListener<OrderStep> {
        private final OrderListeners seen;

        public PaidOrShipped(OrderListeners seen) {
            this.seen = seen;
        }

        @Override
        public void onMessage(OrderStep event) {
            seen.paidOrShipped.computeIfAbsent(event.run(), r -> ConcurrentHashMap.newKeySet()).add(name(event));
        }
    }

    @Component
    @RocketMQMessageListener(topic = ListenerModes.TOPIC, consumerGroup = "lesson-spring-big-orders",
        selectorType = SelectorType.SQL92, selectorExpression = "amount > 100")
    public static class BigOrders implements RocketMQListener<OrderStep> {
        private final OrderListeners seen;

        public BigOrders(OrderListeners seen) {
            this.seen = seen;
        }

        @Override
        public void onMessage(OrderStep event) {
            seen.bigOrders.computeIfAbsent(event.run(), r -> ConcurrentHashMap.newKeySet()).add(name(event));
        }
    }

    @Component
    @RocketMQMessageListener(topic = ListenerModes.TOPIC, consumerGroup = "lesson-spring-orderly",
        consumeMode = ConsumeMode.ORDERLY)
    public static class Orderly implements RocketMQListener<OrderStep> {
        private final OrderListeners seen;

        public Orderly(OrderListeners seen) {
            this.seen = seen;
        }

        @Override
        public void onMessage(OrderStep event) {
            List<String> list = seen.steps.computeIfAbsent(event.run(), r -> new ConcurrentHashMap<>())
                .computeIfAbsent(event.order(), o -> new ArrayList<>());
            synchronized (list) {
                list.add(event.step()); // a redelivery would show as a repeated step
            }
        }
    }
}
