package learn.rocketmq.projects.ecommerce;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;

/**
 * The inventory service: on "order-placed" it reserves the stock in one database transaction,
 * keyed by the order id (a duplicate delivery changes nothing), then publishes "stock-reserved" or
 * "out-of-stock".
 */
final class InventoryService {

    private final String jdbcUrl;

    /** Its own database: the stock, and a reservation per order. */
    InventoryService(String jdbcUrl, Map<String, Integer> stock) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        Database.execute(jdbcUrl, "CREATE TABLE stock (sku VARCHAR(32) PRIMARY KEY, qty INT NOT NULL CHECK (qty >= 0))");
        Database.execute(jdbcUrl, "CREATE TABLE reservation (order_id VARCHAR(64) PRIMARY KEY, sku VARCHAR(32), qty INT)");
        for (Map.Entry<String, Integer> item : stock.entrySet()) {
            Database.execute(jdbcUrl, "INSERT INTO stock VALUES ('" + item.getKey() + "', " + item.getValue() + ")");
        }
    }

    DefaultMQPushConsumer start(RocketMQ rocketmq, String group, String ordersTopic, DefaultMQProducer events, String eventsTopic)
        throws Exception {
        return ServiceConsumer.start(rocketmq, group, ordersTopic, "order-placed", m -> {
            String orderId = m.getKeys();
            boolean reserved = reserve(orderId, m.getUserProperty("sku"), Integer.parseInt(m.getUserProperty("qty")));
            Message event = new Message(eventsTopic, reserved ? "stock-reserved" : "out-of-stock", orderId,
                orderId.getBytes(StandardCharsets.UTF_8));
            event.putUserProperty("amount", m.getUserProperty("amount"));
            events.send(event);
            System.out.printf("  inventory: %s %s%n", orderId, reserved ? "stock reserved" : "OUT OF STOCK");
        });
    }

    /** Reserve in one database transaction; true if reserved (now or by an earlier delivery). */
    private boolean reserve(String orderId, String sku, int qty) throws SQLException {
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

    Map<String, Integer> stock() throws SQLException {
        return Database.query(jdbcUrl, "SELECT sku, qty FROM stock");
    }
}
