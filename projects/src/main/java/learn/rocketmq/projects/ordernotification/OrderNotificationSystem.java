package learn.rocketmq.projects.ordernotification;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Hands-on project: an order notification system built on delayed messages (5.x client). When an
 * order is placed, the shop
 * <ul>
 *   <li>publishes "placed" to a NORMAL topic: the notification service confirms the order at once;</li>
 *   <li>schedules two messages on a DELAY topic, with a delivery time: a payment reminder
 *   ({@code remindAfter}, e.g. 15 minutes) and a cancellation ({@code cancelAfter}, e.g. 30 minutes).</li>
 * </ul>
 * No timer runs in the shop itself and no database is polled: RocketMQ holds the scheduled messages
 * until they are due (consumers cannot see them before). A scheduled message cannot be taken back
 * once sent, so when it arrives the notification service checks the order's current state and
 * skips the action if the order was paid meanwhile: reminding or cancelling a paid order would be
 * a bug. Delivery times are set on whole seconds: the broker's timer wheel works in slots of
 * {@code timerPrecisionMs} (1 s by default), and a time inside a slot may fire up to a slot early.
 * Roadmap: Phase 3 hands-on: Notification system (delayed messages); Project (beginner) 2: Order Notification System.
 *
 * <p>Run it: {@code ./lesson OrderNotificationSystem} (about 15 s).
 */
public class OrderNotificationSystem {

    public enum OrderStatus { UNPAID, PAID, CANCELLED }

    public enum Kind { CONFIRM, REMIND, CANCEL }

    public enum Action { CONFIRMED, REMINDED, CANCELLED, SKIPPED_ALREADY_PAID }

    /** A notification the service handled: which order, what, when it was due, when it came, what it did. */
    public record Notification(String orderId, Kind kind, long dueAt, long receivedAt, Action action) {
    }

    /**
     * @param notifications every notification handled, in the order they were handled
     * @param orders        each order's final status
     */
    public record Result(List<Notification> notifications, Map<String, OrderStatus> orders) {

        public Notification of(String orderId, Kind kind) {
            return notifications.stream().filter(n -> n.orderId().equals(orderId) && n.kind() == kind).findFirst().orElse(null);
        }
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonOrderNotifications", "lesson-order-notifications", 4, 5_000, 10_000);
        System.out.printf("Done: final order states %s%n", result.orders());
    }

    /**
     * Places {@code orders} orders; the even-numbered ones are paid right away, the odd ones never.
     * Returns when every order's confirmation, reminder and cancellation has been handled.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, int orders, long remindAfter, long cancelAfter)
        throws Exception {
        rocketmq.requireProxy();
        String placedTopic = topic + "-placed";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.DELAY, 4);
            admin.createTopic(placedTopic, TopicMessageType.NORMAL, 4);
            admin.createConsumerGroup(group);
        }
        System.out.printf("Topics %s (DELAY) and %s (NORMAL), group %s are ready.%n", topic, placedTopic, group);

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // The shop's order table, shared here by the shop and the notification service.
        Map<String, OrderStatus> orderTable = new ConcurrentHashMap<>();
        long start = System.currentTimeMillis();

        // The notification service.
        List<Notification> handled = Collections.synchronizedList(new ArrayList<>());
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        CountDownLatch allHandled = new CountDownLatch(orders * Kind.values().length);
        FilterExpression all = new FilterExpression("*", FilterExpressionType.TAG);
        PushConsumer notificationService = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, all, placedTopic, all))
            .setMessageListener((MessageView view) -> {
                long now = System.currentTimeMillis();
                String orderId = view.getKeys().iterator().next();
                Kind kind = Kind.valueOf(view.getTag().orElseThrow());
                if (seen.putIfAbsent(orderId + "/" + kind, true) != null) {
                    return ConsumeResult.SUCCESS; // at-least-once: handle each notification once
                }
                Action action = handle(orderTable, orderId, kind);
                long dueAt = view.getDeliveryTimestamp().orElse(view.getBornTimestamp());
                handled.add(new Notification(orderId, kind, dueAt, now, action));
                System.out.printf("  [+%5d ms] notification service: %s %s (due +%d ms) -> %s%n", now - start, kind, orderId,
                    dueAt - start, action);
                allHandled.countDown();
                return ConsumeResult.SUCCESS;
            })
            .build();

        // The shop.
        try (Producer shop = provider.newProducerBuilder()
            .setClientConfiguration(configuration)
            .setTopics(topic, placedTopic)
            .build()) {
            for (int i = 1; i <= orders; i++) {
                String orderId = "order-" + i;
                long placedAt = System.currentTimeMillis();
                orderTable.put(orderId, OrderStatus.UNPAID);
                shop.send(provider.newMessageBuilder().setTopic(placedTopic).setTag(Kind.CONFIRM.name()).setKeys(orderId)
                    .setBody((orderId + " placed").getBytes(StandardCharsets.UTF_8)).build());
                long remindAt = onWholeSecond(placedAt + remindAfter);
                long cancelAt = onWholeSecond(placedAt + cancelAfter);
                shop.send(provider.newMessageBuilder().setTopic(topic).setTag(Kind.REMIND.name()).setKeys(orderId)
                    .setDeliveryTimestamp(remindAt).setBody(("remind " + orderId).getBytes(StandardCharsets.UTF_8)).build());
                shop.send(provider.newMessageBuilder().setTopic(topic).setTag(Kind.CANCEL.name()).setKeys(orderId)
                    .setDeliveryTimestamp(cancelAt).setBody(("cancel " + orderId).getBytes(StandardCharsets.UTF_8)).build());
                System.out.printf("[+%5d ms] shop: %s placed; reminder due at +%d ms, cancellation at +%d ms%n",
                    placedAt - start, orderId, remindAt - start, cancelAt - start);
                if (i % 2 == 0) {
                    orderTable.put(orderId, OrderStatus.PAID);
                    System.out.printf("[+%5d ms] shop: %s paid%n", System.currentTimeMillis() - start, orderId);
                }
            }
            long wait = cancelAfter + 30_000;
            if (!allHandled.await(wait, TimeUnit.MILLISECONDS)) {
                System.out.printf("Only %d of %d notifications handled within %d ms.%n", handled.size(), orders * 3, wait);
            }
        } finally {
            System.out.println("Closing the consumer (it waits for its pending long-poll, up to 20 s)...");
            notificationService.close();
        }
        return new Result(List.copyOf(handled), Map.copyOf(orderTable));
    }

    /** What the notification service does with one message: it decides from the order's current state. */
    private static Action handle(Map<String, OrderStatus> orderTable, String orderId, Kind kind) {
        if (kind == Kind.CONFIRM) {
            return Action.CONFIRMED; // "Thank you for your order"
        }
        if (orderTable.get(orderId) != OrderStatus.UNPAID) {
            return Action.SKIPPED_ALREADY_PAID; // the scheduled message was not taken back: check state
        }
        if (kind == Kind.REMIND) {
            return Action.REMINDED; // "Please pay your order"
        }
        // Cancel only if still unpaid, atomically (a payment may come in at this very moment).
        return orderTable.replace(orderId, OrderStatus.UNPAID, OrderStatus.CANCELLED)
            ? Action.CANCELLED : Action.SKIPPED_ALREADY_PAID;
    }

    private static long onWholeSecond(long epochMillis) {
        return (epochMillis + 999) / 1000 * 1000;
    }
}
