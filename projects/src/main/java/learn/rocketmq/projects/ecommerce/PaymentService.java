package learn.rocketmq.projects.ecommerce;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;

/** The payment service: charges on "stock-reserved" (once per order: the order id is the payment's key), publishes "payment-completed". */
final class PaymentService {

    private final String jdbcUrl;

    /** Its own database: a payment per order. */
    PaymentService(String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        Database.execute(jdbcUrl, "CREATE TABLE payment (order_id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");
    }

    DefaultMQPushConsumer start(RocketMQ rocketmq, String group, DefaultMQProducer events, String eventsTopic) throws Exception {
        return ServiceConsumer.start(rocketmq, group, eventsTopic, "stock-reserved", m -> {
            charge(m.getKeys(), Integer.parseInt(m.getUserProperty("amount")));
            events.send(new Message(eventsTopic, "payment-completed", m.getKeys(), m.getKeys().getBytes(StandardCharsets.UTF_8)));
            System.out.printf("  payment: %s charged %s%n", m.getKeys(), m.getUserProperty("amount"));
        });
    }

    private void charge(String orderId, int amount) throws SQLException {
        try {
            Database.update(jdbcUrl, "INSERT INTO payment VALUES (?, " + amount + ")", orderId);
        } catch (SQLIntegrityConstraintViolationException duplicate) {
            // charged already: a duplicate delivery
        }
    }

    Map<String, Integer> payments() throws SQLException {
        return Database.query(jdbcUrl, "SELECT order_id, amount FROM payment");
    }
}
