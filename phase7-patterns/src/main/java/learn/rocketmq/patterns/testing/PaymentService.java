package learn.rocketmq.patterns.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * A learner's own service, the thing an integration test is for: it takes payments, publishes them
 * with {@link PaymentEvents} and books what it consumes into its own database (H2, one row per
 * order: {@code MERGE}, so a payment delivered twice is booked once). It is given RocketMQ's
 * addresses and nothing else, so a test can point it at whatever RocketMQ the test has.
 */
public final class PaymentService implements AutoCloseable {

    private final String topic;
    private final DefaultMQProducer producer;
    private final DefaultMQPushConsumer consumer;
    private final Connection db;
    private int bookings;

    public PaymentService(RocketMQ rocketmq, String topic, String group, String jdbcUrl) throws Exception {
        this.topic = topic;
        db = DriverManager.getConnection(jdbcUrl);
        try (var s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS booked (order_id VARCHAR(64) PRIMARY KEY, cents BIGINT NOT NULL)");
        }
        producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "Paid");
        consumer.registerMessageListener(PaymentEvents.listener(this::book));
    }

    public PaymentService start() throws Exception {
        producer.start();
        consumer.start();
        return this;
    }

    /** Takes a payment: validated, then published (the booking happens when it is consumed). */
    public void pay(String order, long cents) throws Exception {
        PaymentEvents.paid((t, tag, key, body) -> producer.send(new Message(t, tag, key, body)), topic, order, cents);
    }

    private synchronized void book(String order, long cents) {
        try (PreparedStatement merge = db.prepareStatement("MERGE INTO booked (order_id, cents) KEY (order_id) VALUES (?, ?)")) {
            merge.setString(1, order);
            merge.setLong(2, cents);
            merge.executeUpdate();
            bookings++;
        } catch (SQLException e) {
            throw new IllegalStateException("the ledger is busy: " + e.getMessage(), e); // retried 1 s later
        }
    }

    /** How many times the consumer booked a payment (a duplicate delivery counts again). */
    public synchronized int bookings() {
        return bookings;
    }

    /** What the database says was booked. */
    public synchronized Map<String, Long> booked() throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT order_id, cents FROM booked"); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        }
        return rows;
    }

    @Override
    public void close() throws Exception {
        consumer.shutdown();
        producer.shutdown();
        db.close();
    }
}
