package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The transactional outbox: an order and its event written in one database transaction, a relay
 * that publishes the event, killed between publish and mark, and an idempotent consumer.
 * Roadmap: 7.1 Design Patterns: Outbox pattern.
 *
 * <p>Writing the order and then sending its message can lose the message (a crash after the commit)
 * or send a message for an order that never committed (a send before a rollback). The outbox makes
 * the message part of the business transaction: the order row and an outbox row commit or roll back
 * together; an {@link OutboxRelay} publishes outbox rows afterwards and marks them. The relay can die
 * after a publish and before its mark, so its restart publishes that row again: the consumer
 * deduplicates by the outbox row id (a unique key, in the transaction of its own effect).
 *
 * <p>Outbox or RocketMQ's transaction messages? Both tie a message to a local transaction. Transaction
 * messages need no extra table or relay process, but need RocketMQ, a check-back the producer must
 * answer from its database, and send from inside the business code. The outbox works with any broker
 * and keeps the business code free of messaging (an insert), at the cost of a relay, its delay and
 * its duplicates; it also keeps events in commit order. Run it: {@code ./lesson Outbox}.
 */
public class Outbox {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "jdbc:h2:mem:lesson-outbox-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "LessonOutbox", "lesson-outbox");
        System.out.printf("Done: orders %s, messages %s, shipments %s, duplicates absorbed %d.%n", r.orders(), r.messageKeys(),
            r.shipments(), r.duplicatesAbsorbed());
    }

    /**
     * Orders committed, the outbox row ids, keys of every message published (duplicates included),
     * shipments made, duplicates the consumer absorbed, the relay's crash, rows left unpublished.
     */
    public record Result(List<Long> orders, List<Long> outboxRows, List<String> messageKeys, List<Long> shipments, int duplicatesAbsorbed, String crash,
                         long unpublished) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String prefix) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            db.createStatement().execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, amount BIGINT)");
            db.createStatement().execute("CREATE TABLE outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT, payload VARCHAR(200),"
                + " published BOOLEAN DEFAULT FALSE)");
            db.createStatement().execute("CREATE TABLE shipments (order_id BIGINT PRIMARY KEY)");
            db.createStatement().execute("CREATE TABLE processed (event_key VARCHAR(40) PRIMARY KEY)");

            // 1. Five orders; each with its outbox row in one transaction. Order 3 fails: both roll back.
            for (long id = 1; id <= 5; id++) {
                try {
                    placeOrder(db, id, 1000 * id, id == 3);
                } catch (SQLException e) {
                    System.out.printf("1. Order %d rolled back (%s): no order row, no outbox row%n", id, e.getMessage());
                }
            }

            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(prefix + "-relay"), rocketmq);
            producer.start();
            String crash;
            try {
                // 2. The relay dies after its third publish (order 4's event), before marking it.
                OutboxRelay relay = new OutboxRelay(jdbcUrl, producer, topic);
                try {
                    relay.relay(3);
                    crash = "none";
                } catch (OutboxRelay.Crash e) {
                    crash = e.getMessage();
                }
                System.out.printf("2. %s%n", crash);
                // 3. A new relay: publishes what is not marked, order 4's event again among it.
                int again = new OutboxRelay(jdbcUrl, producer, topic).relay(0);
                System.out.printf("3. The restarted relay published %d rows%n", again);
            } finally {
                producer.shutdown();
            }

            // 4. The shipping service: one shipment per event key, however often it arrives.
            AtomicInteger duplicates = new AtomicInteger();
            DefaultMQPushConsumer shipping = Clients.configure(new DefaultMQPushConsumer(prefix + "-shipping"), rocketmq);
            shipping.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            shipping.subscribe(topic, "*");
            shipping.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    try {
                        if (!ship(jdbcUrl, m.getKeys(), Long.parseLong(new String(m.getBody(), StandardCharsets.UTF_8).split(",")[0]))) {
                            duplicates.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            shipping.start();
            try {
                Wait.until(Duration.ofSeconds(30), "4 shipments and the duplicate", () -> count(db, "shipments") >= 4 && duplicates.get() >= 1);
            } finally {
                shipping.shutdown();
            }
            List<String> keys = TopicContents.readAll(rocketmq, topic).stream().map(MessageExt::getKeys).toList();
            List<Long> shipments = ids(db, "SELECT order_id FROM shipments ORDER BY order_id");
            System.out.printf("4. Published %s; shipped orders %s; %d duplicate absorbed%n", keys, shipments, duplicates.get());
            long unpublished = count(db, "outbox WHERE NOT published");
            return new Result(ids(db, "SELECT id FROM orders ORDER BY id"), ids(db, "SELECT id FROM outbox ORDER BY id"), keys, shipments, duplicates.get(), crash, unpublished);
        }
    }

    /** The business transaction: the order and its event, or neither. */
    static void placeOrder(Connection db, long id, long amount, boolean fail) throws SQLException {
        db.setAutoCommit(false);
        try (PreparedStatement order = db.prepareStatement("INSERT INTO orders VALUES (?, ?)");
             PreparedStatement outbox = db.prepareStatement("INSERT INTO outbox (order_id, payload) VALUES (?, ?)")) {
            order.setLong(1, id);
            order.setLong(2, amount);
            order.executeUpdate();
            outbox.setLong(1, id);
            outbox.setString(2, id + "," + amount + ",OrderPlaced");
            outbox.executeUpdate();
            if (fail) {
                throw new SQLException("payment declined");
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Ships the order once per event key: the key and the shipment commit together. Returns false for a duplicate. */
    static boolean ship(String jdbcUrl, String eventKey, long orderId) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl)) {
            db.setAutoCommit(false);
            try (PreparedStatement seen = db.prepareStatement("INSERT INTO processed VALUES (?)");
                 PreparedStatement ship = db.prepareStatement("INSERT INTO shipments VALUES (?)")) {
                seen.setString(1, eventKey);
                seen.executeUpdate();
                ship.setLong(1, orderId);
                ship.executeUpdate();
                db.commit();
                return true;
            } catch (SQLException e) {
                db.rollback();
                if ("23505".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        }
    }

    private static long count(Connection db, String from) throws SQLException {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Long> ids(Connection db, String query) throws SQLException {
        List<Long> ids = new java.util.ArrayList<>();
        try (ResultSet rs = db.createStatement().executeQuery(query)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
