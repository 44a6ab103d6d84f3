package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * CQRS: commands become events on a topic; a projection consumer builds the read model in a
 * database; its lag is measured; a projection rebuilt from scratch equals the live one.
 * Roadmap: 7.1 Design Patterns: CQRS (Command Query Responsibility Segregation).
 *
 * <p>The write side checks a command and records what happened (OrderPlaced, OrderPaid,
 * OrderCancelled), numbered per order; the read side answers queries from tables shaped for them
 * (an order's status, a customer's total), kept up to date by a consumer. The two are consistent
 * <em>eventually</em>: a query right after a command may not see it yet (the lag). Each order's events
 * go to one queue and an orderly listener applies them in order; an event is applied only if its
 * number is the next one for its order, so a duplicate delivery changes nothing. Because the read
 * model is derived, it can be thrown away and rebuilt by a new consumer group reading from the
 * first offset. Run it: {@code ./lesson Cqrs}.
 */
public class Cqrs {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "jdbc:h2:mem:lesson-cqrs-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "LessonCqrs", "lesson-cqrs");
        System.out.printf("Done: live view %s; rebuilt equal: %s; lag p50 %d ms, max %d ms over %d events.%n", r.live(),
            r.live().equals(r.rebuilt()), r.lagMillis().get(r.lagMillis().size() / 2), r.lagMillis().get(r.lagMillis().size() - 1),
            r.lagMillis().size());
    }

    /** The live read model (order → "status amount"), the rebuilt one, customer totals, sorted lags (store → applied) of the live projection. */
    public record Result(Map<Long, String> live, Map<Long, String> rebuilt, Map<String, Long> customerTotals, List<Long> lagMillis,
                         int duplicatesIgnored) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String prefix) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            for (String view : List.of("live", "rebuilt")) {
                db.createStatement().execute("CREATE TABLE " + view + "_orders (id BIGINT PRIMARY KEY, customer VARCHAR(20), status VARCHAR(12),"
                    + " amount BIGINT, version INT)");
                db.createStatement().execute("CREATE TABLE " + view + "_customers (customer VARCHAR(20) PRIMARY KEY, paid BIGINT)");
            }
            List<Long> lags = Collections.synchronizedList(new ArrayList<>());
            int[] ignored = {0};
            DefaultMQPushConsumer live = projection(rocketmq, prefix + "-live-view", topic, jdbcUrl, "live", lags, ignored);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(prefix + "-commands"), rocketmq);
            producer.start();
            int events = 0;
            try {
                // 1. The write side: 20 orders placed, the even ones paid, every fifth cancelled.
                for (long id = 1; id <= 20; id++) {
                    String customer = "customer-" + id % 4;
                    events += publish(producer, topic, id, 1, "OrderPlaced", customer, 100 * id);
                    if (id % 2 == 0) {
                        events += publish(producer, topic, id, 2, "OrderPaid", customer, 100 * id);
                    } else if (id % 5 == 0) {
                        events += publish(producer, topic, id, 2, "OrderCancelled", customer, 100 * id);
                    }
                }
                // 2. A duplicate: order 4's payment delivered again (a redelivery, a resend).
                publish(producer, topic, 4, 2, "OrderPaid", "customer-0", 400);
                System.out.printf("1-2. %d events written, one sent twice%n", events);
                int total = events;
                Wait.until(Duration.ofSeconds(30), "the live view to apply " + total + " events", () -> lags.size() >= total && ignored[0] >= 1);
            } finally {
                producer.shutdown();
                live.shutdown();
            }
            // 3. The read model thrown away and rebuilt: a new group from the first offset.
            List<Long> rebuildLags = Collections.synchronizedList(new ArrayList<>());
            DefaultMQPushConsumer rebuild = projection(rocketmq, prefix + "-rebuilt-view", topic, jdbcUrl, "rebuilt", rebuildLags, new int[1]);
            try {
                int total = events;
                Wait.until(Duration.ofSeconds(30), "the rebuilt view to apply " + total + " events", () -> rebuildLags.size() >= total);
            } finally {
                rebuild.shutdown();
            }
            List<Long> sorted = new ArrayList<>(lags);
            Collections.sort(sorted);
            Map<String, Long> totals = new TreeMap<>();
            try (ResultSet rs = db.createStatement().executeQuery("SELECT customer, paid FROM live_customers")) {
                while (rs.next()) {
                    totals.put(rs.getString(1), rs.getLong(2));
                }
            }
            System.out.printf("3. Customer totals (paid) %s; live and rebuilt views equal: %s%n", totals, view(db, "live").equals(view(db, "rebuilt")));
            return new Result(view(db, "live"), view(db, "rebuilt"), totals, sorted, ignored[0]);
        }
    }

    private static int publish(DefaultMQProducer producer, String topic, long order, int version, String type, String customer, long amount)
        throws Exception {
        Message event = new Message(topic, (order + "," + version + "," + type + "," + customer + "," + amount).getBytes(StandardCharsets.UTF_8));
        event.setKeys("order-" + order);
        producer.send(event, (queues, m, key) -> queues.get((int) ((Long) key % queues.size())), order); // an order's events: one queue
        return 1;
    }

    /** A projection: an orderly consumer applying each event to the view's tables, in one transaction per event. */
    private static DefaultMQPushConsumer projection(RocketMQ rocketmq, String group, String topic, String jdbcUrl, String view, List<Long> lags,
        int[] ignored) throws Exception {
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            for (MessageExt m : messages) {
                try {
                    if (apply(jdbcUrl, view, new String(m.getBody(), StandardCharsets.UTF_8).split(","))) {
                        lags.add(System.currentTimeMillis() - m.getStoreTimestamp());
                    } else {
                        synchronized (ignored) {
                            ignored[0]++;
                        }
                    }
                } catch (SQLException e) {
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT; // the database failed: retry this queue, in order
                }
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    /** Applies event {@code e} (order, version, type, customer, amount) if it is the order's next one; false for a duplicate or old one. */
    static boolean apply(String jdbcUrl, String view, String[] e) throws SQLException {
        long order = Long.parseLong(e[0]);
        int version = Integer.parseInt(e[1]);
        try (Connection db = DriverManager.getConnection(jdbcUrl)) {
            db.setAutoCommit(false);
            int current = 0;
            try (PreparedStatement q = db.prepareStatement("SELECT version FROM " + view + "_orders WHERE id = ? FOR UPDATE")) {
                q.setLong(1, order);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
            }
            if (version != current + 1) {
                db.rollback();
                return false;
            }
            String status = switch (e[2]) {
                case "OrderPlaced" -> "PLACED";
                case "OrderPaid" -> "PAID";
                default -> "CANCELLED";
            };
            try (PreparedStatement upsert = db.prepareStatement("MERGE INTO " + view + "_orders KEY(id) VALUES (?, ?, ?, ?, ?)")) {
                upsert.setLong(1, order);
                upsert.setString(2, e[3]);
                upsert.setString(3, status);
                upsert.setLong(4, Long.parseLong(e[4]));
                upsert.setInt(5, version);
                upsert.executeUpdate();
            }
            if (status.equals("PAID")) {
                try (PreparedStatement paid = db.prepareStatement("MERGE INTO " + view + "_customers c USING (VALUES (CAST(? AS VARCHAR), CAST(? AS BIGINT)))"
                    + " AS v(customer, amount) ON c.customer = v.customer WHEN MATCHED THEN UPDATE SET paid = c.paid + v.amount"
                    + " WHEN NOT MATCHED THEN INSERT VALUES (v.customer, v.amount)")) {
                    paid.setString(1, e[3]);
                    paid.setLong(2, Long.parseLong(e[4]));
                    paid.executeUpdate();
                }
            }
            db.commit();
            return true;
        }
    }

    private static Map<Long, String> view(Connection db, String view) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (ResultSet rs = db.createStatement().executeQuery("SELECT id, status, amount FROM " + view + "_orders")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + " " + rs.getLong(3));
            }
        }
        return rows;
    }
}
