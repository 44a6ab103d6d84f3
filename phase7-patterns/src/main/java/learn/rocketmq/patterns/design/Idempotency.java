package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Idempotent consumers: a storm of duplicate payments, applied once each only when the consumer
 * deduplicates by the business key, in the same database transaction as the effect.
 * Roadmap: 7.1 Design Patterns: Idempotency patterns.
 *
 * <p>RocketMQ delivers at least once, so every consumer with an effect must survive duplicates. They
 * come in two kinds: the same message stored or delivered twice (a producer retry after a lost
 * answer, a consumer that dies before its ack) keeps its message id; the same business event sent
 * again as a <em>new</em> message (an application that retries, a relay restarted) gets a new id.
 * Three consumer groups read the same storm: one applies everything, one deduplicates by message id,
 * one by the payment id, with a unique key in the database inserted in the same transaction as the
 * credit: the database, not a check-then-act in memory, decides, so two deliveries handled at once on
 * two threads still credit once. Run it: {@code ./lesson Idempotency}.
 */
public class Idempotency {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "jdbc:h2:mem:lesson-idempotency-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "LessonIdempotency",
            "lesson-idempotency", 10);
        System.out.printf("Done: %d messages; credits applied: %s; balance by payment id %d (expected %d).%n",
            r.sent(), r.credits(), r.balances().get("by-payment-id"), r.expectedBalance());
    }

    /**
     * Messages sent, deliveries and credits applied per group, the balance each group's account ended
     * with, the right balance, and what happened to the message ids.
     */
    public record Result(int sent, Map<String, Integer> deliveries, Map<String, Integer> credits, Map<String, Long> balances, long expectedBalance,
                         boolean sameIdOnResend, boolean newIdOnNewMessage) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String prefix, int payments) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            for (String group : List.of("everything", "by-message-id", "by-payment-id")) {
                String t = table(group);
                db.createStatement().execute("CREATE TABLE " + t + "_account (id INT PRIMARY KEY, balance BIGINT)");
                db.createStatement().execute("INSERT INTO " + t + "_account VALUES (1, 0)");
                db.createStatement().execute("CREATE TABLE " + t + "_processed (dedup_key VARCHAR(64) PRIMARY KEY)");
            }

            // 1. The storm: each payment sent twice as the same Message (same message id), and every
            //    second one sent once more as a new Message (a new message id, the same payment id).
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(prefix + "-producer"), rocketmq);
            producer.start();
            int sent = 0;
            long expected = 0;
            boolean sameId = true;
            boolean newId = true;
            try {
                for (int p = 1; p <= payments; p++) {
                    Message payment = payment(topic, p);
                    String first = producer.send(payment).getMsgId();
                    String again = producer.send(payment).getMsgId();
                    sameId &= first.equals(again);
                    sent += 2;
                    if (p % 2 == 0) {
                        newId &= !producer.send(payment(topic, p)).getMsgId().equals(first);
                        sent++;
                    }
                    expected += amount(p);
                }
            } finally {
                producer.shutdown();
            }
            System.out.printf("1. %d payments sent as %d messages: the same Message again keeps its id: %s; a new Message"
                + " for the same payment gets a new id: %s%n", payments, sent, sameId, newId);

            // 2. Three groups read them all.
            Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> credits = new ConcurrentHashMap<>();
            List<DefaultMQPushConsumer> consumers = new ArrayList<>();
            try {
                for (String group : List.of("everything", "by-message-id", "by-payment-id")) {
                    delivered.put(group, new AtomicInteger());
                    credits.put(group, new AtomicInteger());
                    DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(prefix + "-" + group), rocketmq);
                    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                    consumer.setConsumeThreadMin(4);
                    consumer.subscribe(topic, "*");
                    consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                        for (MessageExt m : messages) {
                            String key = switch (group) {
                                case "everything" -> null;
                                case "by-message-id" -> m.getMsgId();
                                default -> m.getKeys(); // the payment id
                            };
                            try {
                                if (credit(jdbcUrl, table(group), key, Long.parseLong(new String(m.getBody(), StandardCharsets.UTF_8)))) {
                                    credits.get(group).incrementAndGet();
                                }
                            } catch (SQLException e) {
                                return ConsumeConcurrentlyStatus.RECONSUME_LATER; // the database failed: try again later
                            }
                            delivered.get(group).incrementAndGet();
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
                    consumer.start();
                    consumers.add(consumer);
                }
                int total = sent;
                Wait.until(Duration.ofSeconds(60), "every group to get all " + total + " messages",
                    () -> delivered.values().stream().allMatch(d -> d.get() >= total));
            } finally {
                consumers.forEach(DefaultMQPushConsumer::shutdown);
            }

            // 3. What each group did to its account.
            Map<String, Integer> applied = new TreeMap<>();
            Map<String, Integer> deliveries = new TreeMap<>();
            Map<String, Long> balances = new TreeMap<>();
            for (String group : delivered.keySet()) {
                applied.put(group, credits.get(group).get());
                deliveries.put(group, delivered.get(group).get());
                try (var rs = db.createStatement().executeQuery("SELECT balance FROM " + table(group) + "_account")) {
                    rs.next();
                    balances.put(group, rs.getLong(1));
                }
                System.out.printf("3. %-14s %d deliveries, %2d credits, balance %d (right: %d)%n", group, delivered.get(group).get(),
                    applied.get(group), balances.get(group), expected);
            }
            return new Result(sent, deliveries, applied, balances, expected, sameId, newId);
        }
    }

    /**
     * Credits the account, unless {@code dedupKey} was processed before: the key is inserted into the
     * processed table in the same transaction, and its primary key refuses a second one. Returns
     * whether the credit was applied.
     */
    static boolean credit(String jdbcUrl, String table, String dedupKey, long amount) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl)) {
            db.setAutoCommit(false);
            try {
                if (dedupKey != null) {
                    try (PreparedStatement seen = db.prepareStatement("INSERT INTO " + table + "_processed VALUES (?)")) {
                        seen.setString(1, dedupKey);
                        seen.executeUpdate();
                    }
                }
                try (PreparedStatement credit = db.prepareStatement("UPDATE " + table + "_account SET balance = balance + ? WHERE id = 1")) {
                    credit.setLong(1, amount);
                    credit.executeUpdate();
                }
                db.commit();
                return true;
            } catch (SQLException e) {
                db.rollback();
                if ("23505".equals(e.getSQLState())) { // unique key violated: processed before, a duplicate
                    return false;
                }
                throw e;
            }
        }
    }

    private static Message payment(String topic, int p) {
        Message m = new Message(topic, Long.toString(amount(p)).getBytes(StandardCharsets.UTF_8));
        m.setKeys("payment-" + p);
        return m;
    }

    private static long amount(int p) {
        return 100L * p;
    }

    private static String table(String group) {
        return group.replace('-', '_');
    }
}
