package learn.rocketmq.projects.ecommerce;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.advanced.transactions.OrderBehaviour;
import learn.rocketmq.advanced.transactions.OrderService;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Hands-on project: an e-commerce order system (order, inventory, payment) built on a transaction
 * message and events, each service with its own consumer group and its own H2 database.
 * <ol>
 *   <li><b>Order service</b> ({@link OrderService}, the transactions lesson's service): the order row and "order-placed"
 *   commit together (half message, local transaction, check-back).</li>
 *   <li><b>Inventory service</b> ({@link InventoryService}, group inventory): reserves the stock in one database
 *   transaction, keyed by the order id (a duplicate changes nothing), then publishes
 *   "stock-reserved" or "out-of-stock".</li>
 *   <li><b>Payment service</b> ({@link PaymentService}, group payment): charges on "stock-reserved" (again idempotent),
 *   publishes "payment-completed".</li>
 *   <li><b>Order status</b> (group order-status): PAID on "payment-completed", CANCELLED on
 *   "out-of-stock"; the order service's second consumer, below.</li>
 * </ol>
 * Nobody calls anybody: each service reacts to events, so one can be down for a while and catch
 * up later (its group's offset waits). The price: the order is PAID <em>eventually</em>.
 * Roadmap: Phase 4 hands-on: E-commerce order system with transactions.
 * Run it: {@code ./lesson ECommerceOrderSystem}.
 */
public class ECommerceOrderSystem {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("lesson-ecommerce");
        Result r = run(rocketmq, dir.toString(), "LessonECommerce");
        System.out.printf("Orders %s; stock %s; payments %s%n", r.orders(), r.stock(), r.payments());
    }

    public record Result(Map<String, String> orders, Map<String, Integer> stock, Map<String, Integer> payments) {
    }

    /** Three orders: two in stock, one for more than the warehouse has. */
    public static Result run(RocketMQ rocketmq, String dataDir, String prefix) throws Exception {
        String ordersTopic = prefix + "-orders";
        String eventsTopic = prefix + "-events";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(ordersTopic, TopicMessageType.TRANSACTION, 4);
            admin.createTopic(eventsTopic, TopicMessageType.NORMAL, 4);
        }
        String ordersDb = "jdbc:h2:" + dataDir + "/orders";
        InventoryService inventory = new InventoryService("jdbc:h2:" + dataDir + "/inventory", Map.of("book", 5, "lamp", 1));
        PaymentService payment = new PaymentService("jdbc:h2:" + dataDir + "/payments");

        DefaultMQProducer events = new DefaultMQProducer(prefix + "-events-producer");
        events.setNamesrvAddr(rocketmq.nameServer());
        events.start();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        try (OrderService orders = new OrderService(rocketmq, ordersDb, ordersTopic, prefix + "-order-service")) {
            // Inventory: order-placed -> reserve -> stock-reserved | out-of-stock
            consumers.add(inventory.start(rocketmq, prefix + "-inventory", ordersTopic, events, eventsTopic));
            // Payment: stock-reserved -> charge -> payment-completed
            consumers.add(payment.start(rocketmq, prefix + "-payment", events, eventsTopic));
            // Order status, in the order service's database: payment-completed -> PAID, out-of-stock -> CANCELLED
            consumers.add(ServiceConsumer.start(rocketmq, prefix + "-order-status", eventsTopic, "payment-completed || out-of-stock", m -> {
                String status = m.getTags().equals("payment-completed") ? "PAID" : "CANCELLED";
                Database.update(ordersDb, "UPDATE orders SET status = '" + status + "' WHERE id = ? AND status = 'CONFIRMED'", m.getKeys());
                System.out.printf("  order status: %s %s%n", m.getKeys(), status);
            }));

            orders.placeOrder("order-1", 30, OrderBehaviour.COMMIT, Map.of("sku", "book", "qty", "2"));
            orders.placeOrder("order-2", 45, OrderBehaviour.COMMIT, Map.of("sku", "lamp", "qty", "1"));
            orders.placeOrder("order-3", 45, OrderBehaviour.COMMIT, Map.of("sku", "lamp", "qty", "1")); // one of these two gets the last lamp

            Wait.until(Duration.ofSeconds(30), "every order to be PAID or CANCELLED", () -> !orders.orders().containsValue("CONFIRMED"));
            Result result = new Result(new TreeMap<>(orders.orders()), inventory.stock(), payment.payments());
            System.out.printf("Orders: %s%nStock: %s%nPayments: %s%n", result.orders(), result.stock(), result.payments());
            return result;
        } finally {
            consumers.forEach(DefaultMQPushConsumer::shutdown);
            events.shutdown();
        }
    }
}
