package learn.rocketmq.projects.ecommerce;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.advanced.transactions.TransactionalOrderService;
import learn.rocketmq.advanced.transactions.TransactionalOrderService.Behaviour;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Hands-on project: an e-commerce order system (order, inventory, payment) built on a transaction
 * message and events, each service with its own consumer group and its own H2 database.
 * <ol>
 *   <li><b>Order service</b> ({@link TransactionalOrderService}): the order row and "order-placed"
 *   commit together (half message, local transaction, check-back).</li>
 *   <li><b>Inventory service</b> (group inventory): reserves the stock in one database
 *   transaction, keyed by the order id (a duplicate changes nothing), then publishes
 *   "stock-reserved" or "out-of-stock".</li>
 *   <li><b>Payment service</b> (group payment): charges on "stock-reserved" (again idempotent),
 *   publishes "payment-completed".</li>
 *   <li><b>Order status</b> (group order-status): PAID on "payment-completed", CANCELLED on
 *   "out-of-stock".</li>
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
        String inventoryDb = "jdbc:h2:" + dataDir + "/inventory";
        String paymentsDb = "jdbc:h2:" + dataDir + "/payments";
        sql(inventoryDb, "CREATE TABLE stock (sku VARCHAR(32) PRIMARY KEY, qty INT NOT NULL CHECK (qty >= 0))");
        sql(inventoryDb, "CREATE TABLE reservation (order_id VARCHAR(64) PRIMARY KEY, sku VARCHAR(32), qty INT)");
        sql(inventoryDb, "INSERT INTO stock VALUES ('book', 5), ('lamp', 1)");
        sql(paymentsDb, "CREATE TABLE payment (order_id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");

        DefaultMQProducer events = new DefaultMQProducer(prefix + "-events-producer");
        events.setNamesrvAddr(rocketmq.nameServer());
        events.start();
        List<DefaultMQPushConsumer> services = new ArrayList<>();
        try (TransactionalOrderService orders = new TransactionalOrderService(rocketmq, ordersDb, ordersTopic, prefix + "-order-service")) {
            // Inventory: order-placed -> reserve -> stock-reserved | out-of-stock
            services.add(service(rocketmq, prefix + "-inventory", ordersTopic, "order-placed", m -> {
                String orderId = m.getKeys();
                boolean reserved = reserve(inventoryDb, orderId, m.getUserProperty("sku"), Integer.parseInt(m.getUserProperty("qty")));
                Message event = new Message(eventsTopic, reserved ? "stock-reserved" : "out-of-stock", orderId,
                    orderId.getBytes(StandardCharsets.UTF_8));
                event.putUserProperty("amount", m.getUserProperty("amount"));
                events.send(event);
                System.out.printf("  inventory: %s %s%n", orderId, reserved ? "stock reserved" : "OUT OF STOCK");
            }));
            // Payment: stock-reserved -> charge -> payment-completed
            services.add(service(rocketmq, prefix + "-payment", eventsTopic, "stock-reserved", m -> {
                charge(paymentsDb, m.getKeys(), Integer.parseInt(m.getUserProperty("amount")));
                events.send(new Message(eventsTopic, "payment-completed", m.getKeys(), m.getKeys().getBytes(StandardCharsets.UTF_8)));
                System.out.printf("  payment: %s charged %s%n", m.getKeys(), m.getUserProperty("amount"));
            }));
            // Order status: payment-completed -> PAID, out-of-stock -> CANCELLED
            services.add(service(rocketmq, prefix + "-order-status", eventsTopic, "payment-completed || out-of-stock", m -> {
                String status = m.getTags().equals("payment-completed") ? "PAID" : "CANCELLED";
                update(ordersDb, "UPDATE orders SET status = '" + status + "' WHERE id = ? AND status = 'CONFIRMED'", m.getKeys());
                System.out.printf("  order status: %s %s%n", m.getKeys(), status);
            }));

            orders.placeOrder("order-1", 30, Behaviour.COMMIT, Map.of("sku", "book", "qty", "2"));
            orders.placeOrder("order-2", 45, Behaviour.COMMIT, Map.of("sku", "lamp", "qty", "1"));
            orders.placeOrder("order-3", 45, Behaviour.COMMIT, Map.of("sku", "lamp", "qty", "1")); // one of these two gets the last lamp

            long deadline = System.currentTimeMillis() + 30_000;
            while (orders.orders().containsValue("CONFIRMED") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Result result = new Result(new TreeMap<>(orders.orders()), query(inventoryDb, "SELECT sku, qty FROM stock"),
                query(paymentsDb, "SELECT order_id, amount FROM payment"));
            System.out.printf("Orders: %s%nStock: %s%nPayments: %s%n", result.orders(), result.stock(), result.payments());
            return result;
        } finally {
            services.forEach(DefaultMQPushConsumer::shutdown);
            events.shutdown();
        }
    }

    interface Handler {
        void handle(MessageExt message) throws Exception;
    }

    /** A service: its own consumer group, its tags, and a handler; a failure is retried later. */
    private static DefaultMQPushConsumer service(RocketMQ rocketmq, String group, String topic, String tags, Handler handler)
        throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, tags);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            try {
                handler.handle(messages.get(0));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            } catch (Exception e) {
                System.out.printf("  %s: %s, retried later%n", group, e);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        });
        consumer.start();
        return consumer;
    }

    /** Reserve in one database transaction; true if reserved (now or by an earlier delivery). */
    private static boolean reserve(String jdbcUrl, String orderId, String sku, int qty) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO reservation VALUES (?, ?, ?)");
                 PreparedStatement take = c.prepareStatement("UPDATE stock SET qty = qty - ? WHERE sku = ? AND qty >= ?")) {
                insert.setString(1, orderId);
                insert.setString(2, sku);
                insert.setInt(3, qty);
                insert.executeUpdate();
                take.setInt(1, qty);
                take.setString(2, sku);
                take.setInt(3, qty);
                if (take.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                c.commit();
                return true;
            } catch (SQLIntegrityConstraintViolationException duplicate) {
                c.rollback();
                return true; // reserved by an earlier delivery of the same message
            }
        }
    }

    private static void charge(String jdbcUrl, String orderId, int amount) throws SQLException {
        try {
            update(jdbcUrl, "INSERT INTO payment VALUES (?, " + amount + ")", orderId);
        } catch (SQLIntegrityConstraintViolationException duplicate) {
            // charged already: a duplicate delivery
        }
    }

    private static void sql(String jdbcUrl, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.createStatement().execute(statement);
        }
    }

    private static void update(String jdbcUrl, String statement, String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(statement)) {
            s.setString(1, key);
            s.executeUpdate();
        }
    }

    private static Map<String, Integer> query(String jdbcUrl, String select) throws SQLException {
        Map<String, Integer> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); ResultSet rs = c.createStatement().executeQuery(select)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getInt(2));
            }
        }
        return rows;
    }
}
