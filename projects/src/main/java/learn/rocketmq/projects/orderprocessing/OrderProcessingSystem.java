package learn.rocketmq.projects.orderprocessing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Hands-on project: an order processing system built on ordered messages. An order service
 * publishes every change of an order's state (CREATED, PAID, SHIPPED, COMPLETED) as an event to
 * the topic {@code OrderEvents}; a fulfilment service consumes them and moves each order through
 * its state machine. Many orders are in flight at once, their events interleaved at random.
 *
 * <p>The design: the order id picks the queue ({@link MessageQueueSelector}), so all events of an
 * order are in one queue in the order they were published; the fulfilment service consumes with
 * {@link MessageListenerOrderly} on several threads, so queues are processed in parallel and each
 * queue strictly one message after the other. The state machine rejects any transition that skips
 * a state ("PAID before CREATED"): with ordered messages none occurs. It ignores an event it has
 * already applied (delivery is at-least-once).
 * Roadmap: Phase 3 hands-on: Order processing system (ordered messages).
 *
 * <p>Run it: {@code ./lesson OrderProcessingSystem}.
 */
public class OrderProcessingSystem {

    /** The states of an order, in the only order they may happen. */
    public enum OrderState { CREATED, PAID, SHIPPED, COMPLETED }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonOrderEvents", "lesson-order-fulfilment", 10, 42);
        System.out.printf("Done: %d orders completed, %d invalid transitions, on %d queues and %d threads.%n",
            result.completedOrders(), result.violations().size(), result.queues().size(), result.threads().size());
    }

    /**
     * What the system did.
     *
     * @param history       per order, the states the fulfilment service applied, in order
     * @param violations    transitions the state machine refused (none, with ordered messages)
     * @param queues        the queues the events went to
     * @param threads       the consumer threads that processed events
     * @param maxConcurrent the most events being processed at the same moment
     */
    public record Result(Map<String, List<OrderState>> history, List<String> violations, Set<Integer> queues,
                         Set<String> threads, int maxConcurrent) {

        public long completedOrders() {
            return history.values().stream().filter(h -> !h.isEmpty() && h.get(h.size() - 1) == OrderState.COMPLETED).count();
        }
    }

    /** Publishes the 4 events of each of {@code orders} orders, interleaved at random (seeded), and processes them. */
    public static Result run(RocketMQ rocketmq, String topic, String group, int orders, long seed) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 4);
        }
        System.out.printf("Topic %s is ready (4 queues).%n", topic);

        FulfilmentService fulfilment = new FulfilmentService(orders);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(8); // threads shared by the queues; each queue uses one at a time
        consumer.setConsumeThreadMax(8);
        consumer.registerMessageListener(fulfilment);
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-order-service");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        Set<Integer> queues = ConcurrentHashMap.newKeySet();
        try {
            publishInterleaved(producer, topic, orders, new Random(seed), queues);
            if (!fulfilment.allCompleted.await(60, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d orders completed within 60 s.%n", orders - fulfilment.allCompleted.getCount(), orders);
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(fulfilment.history, List.copyOf(fulfilment.violations), queues, fulfilment.threads,
            fulfilment.maxConcurrent.get());
    }

    /** The order service: each step picks a random order that still has a state to go, and publishes it. */
    private static void publishInterleaved(DefaultMQProducer producer, String topic, int orders, Random random,
                                           Set<Integer> queues) throws Exception {
        MessageQueueSelector byOrderId = (mqs, message, orderId) -> mqs.get(Math.floorMod(orderId.hashCode(), mqs.size()));
        Map<String, Integer> nextState = new LinkedHashMap<>();
        for (int i = 1; i <= orders; i++) {
            nextState.put(String.format("order-%03d", i), 0);
        }
        List<String> open = new ArrayList<>(nextState.keySet());
        while (!open.isEmpty()) {
            String orderId = open.get(random.nextInt(open.size()));
            int s = nextState.get(orderId);
            OrderState state = OrderState.values()[s];
            Message event = new Message(topic, state.name(), orderId, (orderId + " " + state).getBytes(StandardCharsets.UTF_8));
            SendResult result = producer.send(event, byOrderId, orderId);
            queues.add(result.getMessageQueue().getQueueId());
            System.out.printf("order service: %s %s -> queue %d%n", orderId, state, result.getMessageQueue().getQueueId());
            if (s + 1 == OrderState.values().length) {
                open.remove(orderId);
            } else {
                nextState.put(orderId, s + 1);
            }
        }
    }
}
