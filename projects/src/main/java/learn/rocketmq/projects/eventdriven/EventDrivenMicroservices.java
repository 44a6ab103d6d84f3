package learn.rocketmq.projects.eventdriven;

import static learn.rocketmq.projects.eventdriven.Events.ORDER_PLACED;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.projects.ecommerce.ECommerceOrderSystem;
import learn.rocketmq.projects.eventdriven.EventService.ServiceView;
import learn.rocketmq.projects.eventdriven.Events.OrderStatus;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Hands-on project: event-driven microservices. Four services share one event topic and nothing
 * else: no service calls another, each reacts to the events it subscribes to and publishes its
 * own. The business process (a <em>saga</em>) emerges from those reactions: choreography, no
 * central caller. With the 5.x gRPC client: {@link PushConsumer}s with tag filters, {@link Producer}s.
 * Roadmap: Phase 4 hands-on: Event-driven microservices architecture.
 *
 * <pre>
 *   order --OrderPlaced--> payment --PaymentCompleted--> shipping --OrderShipped--> order (SHIPPED)
 *                                  \-PaymentDeclined---> order (the compensation: CANCELLED)
 *   notification: every event
 * </pre>
 * <ol>
 *   <li><b>Events</b>: the event type is the message <em>tag</em>, the order id is the message
 *   <em>key</em> (findable by key) and the property {@code orderId} (the correlation id). Each
 *   service subscribes with a tag filter to the types it needs only.</li>
 *   <li><b>Pub/sub between services</b>: each service has its own consumer group, so each gets
 *   every event it subscribes to, independently of the others.</li>
 *   <li><b>Load balancing within a service</b>: two payment instances in one group share the
 *   events; each event is handled by one of them.</li>
 *   <li><b>Temporal decoupling</b>: shipping is down while orders are paid; the events wait on the
 *   broker (its group's offset stays put) and it catches up when it starts again.</li>
 *   <li><b>Idempotent handlers</b>: delivery is at-least-once, so each service keeps the ids of
 *   the events it processed; an event published twice is processed once.</li>
 * </ol>
 * One class per service ({@link Orders}, {@link Payments}, {@link Shipping}, {@link Notifications}),
 * what they share ({@link Events}, {@link EventService}); this class tells the story.
 * The price: the order is SHIPPED <em>eventually</em>; no one place runs (or shows) the whole
 * process; and on a NORMAL topic a service may get one order's events out of order, so the order
 * service's state only ever moves forward. The classic client and transaction messages:
 * {@link ECommerceOrderSystem}.
 * Run it: {@code ./lesson EventDrivenMicroservices}.
 */
public class EventDrivenMicroservices {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonEventDrivenMicroservices");
        System.out.printf("Done: orders %s.%n", r.orders());
    }

    /** How long the story waits for the services to react before it goes on anyway. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    /**
     * @param ordersWhileShippingDown the order service's states while shipping was down
     * @param shippingLagWhileDown    messages waiting on the broker for shipping's group then
     * @param orders                  the order service's final states
     * @param services                what each service did, by name
     * @param orderPlacedMessageIds   every OrderPlaced message sent (a duplicate is a message of its own)
     * @param duplicatedEventId       the event the order service published twice
     * @param charges                 the payment service's database: order id -> amount charged
     * @param shipments               the shipping service's database: parcels sent, in order
     */
    public record Result(Map<String, OrderStatus> ordersWhileShippingDown, long shippingLagWhileDown,
                         Map<String, OrderStatus> orders, Map<String, ServiceView> services,
                         Set<String> orderPlacedMessageIds, String duplicatedEventId,
                         Map<String, Long> charges, List<String> shipments) {
    }

    /** Orders placed while all services run, then while shipping is down. order-3 is over the card limit. */
    static final Map<String, Long> ORDERS_WHILE_ALL_UP = orders("order-1", 30, "order-2", 45, "order-3", 2500);
    static final Map<String, Long> ORDERS_WHILE_SHIPPING_DOWN = orders("order-4", 20, "order-5", 60, "order-6", 15);

    public static Result run(RocketMQ rocketmq, String prefix) throws Exception {
        rocketmq.requireProxy();
        String topic = prefix + "-events";
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // The services: a consumer group each, the tags they need, how they react (each keeps its
        // own state: in real life its own database, shared by its instances).
        Orders orders = new Orders();
        Payments payments = new Payments();
        Shipping shippings = new Shipping();
        EventService order = new EventService("order", prefix + "-order-service", Orders.SUBSCRIPTION, orders);
        EventService payment = new EventService("payment", prefix + "-payment-service", Payments.SUBSCRIPTION, payments);
        EventService shipping = new EventService("shipping", prefix + "-shipping-service", Shipping.SUBSCRIPTION, shippings);
        EventService notification = new EventService("notification", prefix + "-notification-service",
            Notifications.SUBSCRIPTION, new Notifications());
        List<EventService> services = List.of(order, payment, shipping, notification);

        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // One NORMAL topic for all events; a group per service, created up front.
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            for (EventService s : services) {
                admin.createConsumerGroup(s.group);
            }
            System.out.printf("Topic %s; one consumer group per service:%n", topic);
            services.forEach(s -> System.out.printf("  %-12s group %s, subscribes to \"%s\"%n", s.name, s.group, s.subscription));

            try {
                ServiceInstance orderApp = order.start("order#1", provider, configuration, topic);
                payment.start("payment#1", provider, configuration, topic);
                payment.start("payment#2", provider, configuration, topic); // same group: they share the work
                ServiceInstance shipping1 = shipping.start("shipping#1", provider, configuration, topic);
                notification.start("notification#1", provider, configuration, topic);

        // 1. All services up. The order service records the order, then publishes the fact.
                //    (Row and event should commit together: a transaction message, see ECommerceOrderSystem.)
                System.out.println("\n1. All services up: three orders placed (order-3 is over the card limit).");
                String duplicated = "";
                for (Map.Entry<String, Long> o : ORDERS_WHILE_ALL_UP.entrySet()) {
                    orders.place(orderApp, o.getKey(), o.getValue());
                    if (o.getKey().equals("order-1")) {
                        // At-least-once, on purpose: as if the first send had timed out, send it again.
                        System.out.println("  [order#1        ] sends OrderPlaced order-1 again (as after a timeout)");
                        duplicated = orders.place(orderApp, o.getKey(), o.getValue());
                    }
                }
                // Expected: 3 placed, 2 paid, 1 declined, 2 shipped; the duplicate ignored by both its readers.
                Wait.until(SETTLE, "the first orders to settle", () -> processed(services).equals(
                    Map.of("order", 5, "payment", 3, "shipping", 2, "notification", 8))
                    && payment.duplicatesIgnored.size() == 1 && notification.duplicatesIgnored.size() == 1);
                System.out.printf("Orders: %s%n", orders.states());

                // 2. Shipping goes down. Orders are still taken and paid: nobody waits for shipping.
                //    The orders come one at a time here, so you can watch payment#1 and payment#2 take
                //    turns: the broker hands a new message to the poll that has waited longest. (Above,
                //    a poll could find several messages waiting and take them all at once, a batch.)
                System.out.println("\n2. Shipping is down (deploy, crash...); three more orders, one at a time.");
                System.out.println("  (closing shipping#1: a 5.x push consumer first waits for its pending long-poll, up to 20 s by default)");
                shipping.stop(shipping1);
                for (Map.Entry<String, Long> o : ORDERS_WHILE_SHIPPING_DOWN.entrySet()) {
                    int paymentsBefore = payment.processedCount();
                    orders.place(orderApp, o.getKey(), o.getValue());
                    Wait.until(SETTLE, "the payment of " + o.getKey(), () -> payment.processedCount() == paymentsBefore + 1);
                }
                Wait.until(SETTLE, "the new orders to be paid", () -> processed(services).equals(
                    Map.of("order", 8, "payment", 6, "shipping", 2, "notification", 14)));
                Map<String, OrderStatus> whileDown = orders.states();
                // The broker keeps shipping's progress (its group's offsets): the events wait there.
                long lag = admin.api().examineConsumeStats(shipping.group, topic).computeTotalDiff();
                System.out.printf("Orders: %s%n  group %s is %d messages behind (all tags count): they wait on the broker.%n",
                    whileDown, shipping.group, lag);

                // 3. Shipping is back: a new instance in the same group continues where the group stopped.
                System.out.println("\n3. Shipping starts again and catches up.");
                shipping.start("shipping#2", provider, configuration, topic);
                Wait.until(SETTLE, "every paid order to be shipped", () -> processed(services).equals(
                    Map.of("order", 11, "payment", 6, "shipping", 5, "notification", 17)));
                System.out.printf("Orders: %s%n", orders.states());

                Map<String, ServiceView> views = new LinkedHashMap<>();
                services.forEach(s -> views.put(s.name, s.view()));
                System.out.println("\nWho did what:");
                views.forEach((name, v) -> System.out.printf("  %-12s processed %s; ignored duplicates %s%n",
                    name, v.processedByType(), v.duplicatesIgnored()));
                System.out.println("One group, two instances: each OrderPlaced message went to one of them.");
                views.get("payment").eventsByInstance().forEach((instance, events) ->
                    System.out.printf("  %s handled %s%n", instance, events));
                // A NORMAL topic keeps no order between messages: a service may see a later event
                // first. The order service's state only moves forward; a service that needs one
                // order's events in order uses a FIFO topic with the order id as message group.
                System.out.println("The events of order-1 in the order the notification service got them: "
                    + notification.eventsByInstance.values().stream().flatMap(List::stream)
                        .filter(id -> id.endsWith(":order-1")).toList());
                return new Result(whileDown, lag, orders.states(), views, order.messagesSent(ORDER_PLACED),
                    duplicated, payments.charges(), shippings.shipments());
            } finally {
                // Closing a 5.x push consumer waits for its pending long-poll: close them side by side.
                CompletableFuture.allOf(services.stream().flatMap(s -> s.running.stream().map(i -> CompletableFuture.runAsync(() -> s.stop(i))))
                    .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** How many events each service has processed so far. */
    private static Map<String, Integer> processed(List<EventService> services) {
        Map<String, Integer> counts = new TreeMap<>();
        services.forEach(s -> counts.put(s.name, s.processedCount()));
        return counts;
    }

    private static Map<String, Long> orders(Object... idAndAmount) {
        Map<String, Long> orders = new LinkedHashMap<>();
        for (int i = 0; i < idAndAmount.length; i += 2) {
            orders.put((String) idAndAmount[i], ((Number) idAndAmount[i + 1]).longValue());
        }
        return orders;
    }
}
