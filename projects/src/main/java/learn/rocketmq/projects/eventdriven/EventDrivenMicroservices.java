package learn.rocketmq.projects.eventdriven;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.projects.ecommerce.ECommerceOrderSystem;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
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

    // The event types: the tags.
    public static final String ORDER_PLACED = "OrderPlaced";
    public static final String PAYMENT_COMPLETED = "PaymentCompleted";
    public static final String PAYMENT_DECLINED = "PaymentDeclined";
    public static final String ORDER_SHIPPED = "OrderShipped";

    /** A later state wins, an earlier one never comes back (events may arrive in any order). */
    public enum OrderStatus { PLACED, PAID, SHIPPED, CANCELLED }

    /** How long the story waits for the services to react before it goes on anyway. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    /** The payment service declines an order above this amount. */
    public static final long CARD_LIMIT = 1000;

    /** An event as a service sees it. The event id is derived from its cause: type and order. */
    public record Event(String type, String orderId, String eventId, long amount, String messageId) {
    }

    /** What one service did, as the test looks at it. */
    public record ServiceView(String group, String subscription, Map<String, Integer> processedByType,
                              Set<String> tagsReceived, Map<String, Set<String>> messagesByInstance,
                              Map<String, List<String>> eventsByInstance, Map<String, Set<String>> messagesByEventId,
                              List<String> duplicatesIgnored) {
    }

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

        // Each service's own state: in real life its own database, shared by its instances.
        Map<String, OrderStatus> orders = new ConcurrentHashMap<>();
        Map<String, Long> charges = new ConcurrentHashMap<>();
        List<String> shipments = new CopyOnWriteArrayList<>();

        // The services: a consumer group each, the tags they need, and how they react.
        Service order = new Service("order", prefix + "-order-service",
            PAYMENT_COMPLETED + " || " + PAYMENT_DECLINED + " || " + ORDER_SHIPPED, (e, out) -> {
                OrderStatus next = switch (e.type()) {
                    case PAYMENT_COMPLETED -> OrderStatus.PAID;
                    case PAYMENT_DECLINED -> OrderStatus.CANCELLED; // the compensation: undo the order
                    default -> OrderStatus.SHIPPED;
                };
                OrderStatus before = orders.get(e.orderId());
                OrderStatus after = orders.merge(e.orderId(), next, (now, n) -> n.ordinal() > now.ordinal() ? n : now);
                return before == after ? "stays " + after + " (arrived late)" : before + " -> " + after;
            });
        Service payment = new Service("payment", prefix + "-payment-service", ORDER_PLACED, (e, out) -> {
            if (e.amount() > CARD_LIMIT) {
                out.publish(PAYMENT_DECLINED, e.orderId(), e.amount());
                return "declined " + e.amount() + " (over the card limit), publishes " + PAYMENT_DECLINED;
            }
            charges.put(e.orderId(), e.amount());
            out.publish(PAYMENT_COMPLETED, e.orderId(), e.amount());
            return "charged " + e.amount() + ", publishes " + PAYMENT_COMPLETED;
        });
        Service shipping = new Service("shipping", prefix + "-shipping-service", PAYMENT_COMPLETED, (e, out) -> {
            shipments.add(e.orderId());
            out.publish(ORDER_SHIPPED, e.orderId(), e.amount());
            return "parcel sent, publishes " + ORDER_SHIPPED;
        });
        Service notification = new Service("notification", prefix + "-notification-service", "*", (e, out) -> switch (e.type()) {
            case ORDER_PLACED -> "mails the customer: we got your order";
            case PAYMENT_COMPLETED -> "mails the customer: payment received";
            case PAYMENT_DECLINED -> "mails the customer: payment declined, order cancelled";
            default -> "mails the customer: your parcel is on its way";
        });
        List<Service> services = List.of(order, payment, shipping, notification);

        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // One NORMAL topic for all events; a group per service, created up front.
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            for (Service s : services) {
                admin.createConsumerGroup(s.group);
            }
            System.out.printf("Topic %s; one consumer group per service:%n", topic);
            services.forEach(s -> System.out.printf("  %-12s group %s, subscribes to \"%s\"%n", s.name, s.group, s.subscription));

            try {
                Instance orderApp = order.start("order#1", provider, configuration, topic);
                payment.start("payment#1", provider, configuration, topic);
                payment.start("payment#2", provider, configuration, topic); // same group: they share the work
                Instance shipping1 = shipping.start("shipping#1", provider, configuration, topic);
                notification.start("notification#1", provider, configuration, topic);

                // 1. All services up. The order service records the order, then publishes the fact.
                //    (Row and event should commit together: a transaction message, see ECommerceOrderSystem.)
                System.out.println("\n1. All services up: three orders placed (order-3 is over the card limit).");
                String duplicated = "";
                for (Map.Entry<String, Long> o : ORDERS_WHILE_ALL_UP.entrySet()) {
                    orders.put(o.getKey(), OrderStatus.PLACED);
                    orderApp.publish(ORDER_PLACED, o.getKey(), o.getValue());
                    if (o.getKey().equals("order-1")) {
                        // At-least-once, on purpose: as if the first send had timed out, send it again.
                        System.out.println("  [order#1        ] sends OrderPlaced order-1 again (as after a timeout)");
                        duplicated = orderApp.publish(ORDER_PLACED, o.getKey(), o.getValue());
                    }
                }
                // Expected: 3 placed, 2 paid, 1 declined, 2 shipped; the duplicate ignored by both its readers.
                Wait.until(SETTLE, "the first orders to settle", () -> processed(services).equals(
                    Map.of("order", 5, "payment", 3, "shipping", 2, "notification", 8))
                    && payment.duplicatesIgnored.size() == 1 && notification.duplicatesIgnored.size() == 1);
                System.out.printf("Orders: %s%n", new TreeMap<>(orders));

                // 2. Shipping goes down. Orders are still taken and paid: nobody waits for shipping.
                //    The orders come one at a time here, so you can watch payment#1 and payment#2 take
                //    turns: the broker hands a new message to the poll that has waited longest. (Above,
                //    a poll could find several messages waiting and take them all at once, a batch.)
                System.out.println("\n2. Shipping is down (deploy, crash...); three more orders, one at a time.");
                System.out.println("  (closing shipping#1: a 5.x push consumer first waits for its pending long-poll, up to 20 s by default)");
                shipping.stop(shipping1);
                for (Map.Entry<String, Long> o : ORDERS_WHILE_SHIPPING_DOWN.entrySet()) {
                    orders.put(o.getKey(), OrderStatus.PLACED);
                    int paymentsBefore = payment.processedCount();
                    orderApp.publish(ORDER_PLACED, o.getKey(), o.getValue());
                    Wait.until(SETTLE, "the payment of " + o.getKey(), () -> payment.processedCount() == paymentsBefore + 1);
                }
                Wait.until(SETTLE, "the new orders to be paid", () -> processed(services).equals(
                    Map.of("order", 8, "payment", 6, "shipping", 2, "notification", 14)));
                Map<String, OrderStatus> whileDown = new TreeMap<>(orders);
                // The broker keeps shipping's progress (its group's offsets): the events wait there.
                long lag = admin.api().examineConsumeStats(shipping.group, topic).computeTotalDiff();
                System.out.printf("Orders: %s%n  group %s is %d messages behind (all tags count): they wait on the broker.%n",
                    whileDown, shipping.group, lag);

                // 3. Shipping is back: a new instance in the same group continues where the group stopped.
                System.out.println("\n3. Shipping starts again and catches up.");
                shipping.start("shipping#2", provider, configuration, topic);
                Wait.until(SETTLE, "every paid order to be shipped", () -> processed(services).equals(
                    Map.of("order", 11, "payment", 6, "shipping", 5, "notification", 17)));
                System.out.printf("Orders: %s%n", new TreeMap<>(orders));

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
                return new Result(whileDown, lag, new TreeMap<>(orders), views, order.messagesSent(ORDER_PLACED),
                    duplicated, new TreeMap<>(charges), List.copyOf(shipments));
            } finally {
                // Closing a 5.x push consumer waits for its pending long-poll: close them side by side.
                CompletableFuture.allOf(services.stream().flatMap(s -> s.running.stream().map(i -> CompletableFuture.runAsync(() -> s.stop(i))))
                    .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** How a service reacts to one event; returns what it did, in words. */
    interface Handler {
        String handle(Event event, Instance out) throws Exception;
    }

    /** A service: one consumer group, one subscription, its own state, any number of running instances. */
    static final class Service {
        final String name;
        final String group;
        final String subscription;
        final Handler handler;
        // Its own records, shared by its instances (in real life: the service's database).
        final Set<String> processedEventIds = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> processedByType = new ConcurrentHashMap<>();
        final List<String> duplicatesIgnored = new CopyOnWriteArrayList<>();
        // What was delivered, for the lesson to show.
        final Set<String> tagsReceived = ConcurrentHashMap.newKeySet();
        final Map<String, Set<String>> messagesByInstance = new ConcurrentHashMap<>();
        final Map<String, List<String>> eventsByInstance = new ConcurrentHashMap<>();
        final Map<String, Set<String>> messagesByEventId = new ConcurrentHashMap<>();
        final Map<String, Set<String>> sentByEventId = new ConcurrentHashMap<>();
        final List<Instance> running = new CopyOnWriteArrayList<>();

        Service(String name, String group, String subscription, Handler handler) {
            this.name = name;
            this.group = group;
            this.subscription = subscription;
            this.handler = handler;
        }

        /** Starts an instance: a push consumer in the service's group and a producer. */
        Instance start(String instanceId, ClientServiceProvider provider, ClientConfiguration configuration, String topic)
            throws Exception {
            Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build();
            Instance instance = new Instance(instanceId, this, provider, producer, topic);
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
        private ConsumeResult consume(Instance instance, MessageView view) {
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

        void stop(Instance instance) {
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

    /** One running instance of a service (in real life: a process of its own). */
    static final class Instance {
        final String id;
        final Service service;
        final ClientServiceProvider provider;
        final Producer producer;
        final String topic;
        PushConsumer consumer;

        Instance(String id, Service service, ClientServiceProvider provider, Producer producer, String topic) {
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

    /** How many events each service has processed so far. */
    private static Map<String, Integer> processed(List<Service> services) {
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
