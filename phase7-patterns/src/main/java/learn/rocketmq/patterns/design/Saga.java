package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * An orchestrated saga: reserve stock, charge the payment, ship; a declined payment and a
 * shipping service that never answers, each undone by compensations, a step's timeout a delayed
 * message.
 * Roadmap: 7.1 Design Patterns: Saga pattern.
 *
 * <p>No transaction spans three services, so a saga runs local steps one after the other and, when
 * one fails, runs the compensations of the steps already done (release the stock, refund the
 * payment), each idempotent. Here an orchestrator keeps each saga's state in its database and moves
 * it with compare-and-set updates, so a reply or timeout that comes twice, or too late, changes
 * nothing. With each command it sends a <b>timeout</b>: a message delivered 3 s later
 * ({@code setDeliverTimeMs}); if the saga still waits at that step, it compensates. The choreographed
 * version, where services react to each other's events without an orchestrator, is the event-driven
 * project ({@code EventDrivenMicroservices}). Run it: {@code ./lesson Saga}.
 */
public class Saga {

    static final long TIMEOUT_MS = 3000;

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "jdbc:h2:mem:lesson-saga-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "LessonSaga", "lesson-saga");
        System.out.printf("Done: sagas %s; work done %s.%n", r.sagas(), r.work());
    }

    /** Each saga's final state, and the work each order got from the participants ("service:action"), in the order done. */
    public record Result(Map<Long, String> sagas, Map<Long, List<String>> work) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String prefix, String group) throws Exception {
        String commands = prefix + "Commands";
        String replies = prefix + "Replies";
        String timeouts = prefix + "Timeouts";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(commands, TopicMessageType.NORMAL);
            admin.createTopic(replies, TopicMessageType.NORMAL);
            admin.createTopic(timeouts, TopicMessageType.DELAY);
            db.createStatement().execute("CREATE TABLE sagas (order_id BIGINT PRIMARY KEY, state VARCHAR(20))");
            // The compensations a compensating saga still waits for: one row each, deleted by its reply.
            db.createStatement().execute("CREATE TABLE compensations (order_id BIGINT, action VARCHAR(10), PRIMARY KEY (order_id, action))");
            db.createStatement().execute("CREATE TABLE work (seq BIGINT AUTO_INCREMENT, service VARCHAR(10), order_id BIGINT, action VARCHAR(10),"
                + " PRIMARY KEY (service, order_id, action))");
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
            producer.start();
            List<AutoCloseable> services = new ArrayList<>();
            DefaultMQPushConsumer orchestrator = Clients.configure(new DefaultMQPushConsumer(group + "-orchestrator"), rocketmq);
            try {
                // 1. The participants. Order 2's payment is declined; shipping never answers for order 3.
                for (String service : List.of("inventory", "payment", "shipping")) {
                    services.add(SagaParticipants.start(rocketmq, group + "-" + service, service, commands, replies, producer, jdbcUrl,
                        Set.of(2L), Set.of(3L)));
                }
                // 2. The orchestrator: replies and timeouts move each saga on.
                Orchestrator saga = new Orchestrator(jdbcUrl, producer, commands, timeouts);
                orchestrator.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                orchestrator.subscribe(replies, "*");
                orchestrator.subscribe(timeouts, "*");
                orchestrator.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                    for (MessageExt m : messages) {
                        String[] f = new String(m.getBody(), StandardCharsets.UTF_8).split(",");
                        try {
                            if (m.getTopic().equals(timeouts)) {
                                saga.onTimeout(Long.parseLong(f[0]), f[1]);
                            } else {
                                saga.onReply(Long.parseLong(f[0]), f[1]);
                            }
                        } catch (Exception e) {
                            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                        }
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                orchestrator.start();
                for (long order = 1; order <= 3; order++) {
                    saga.begin(order);
                }
                System.out.println("1-2. Three sagas begun: order 1 goes through, order 2's payment is declined, order 3 is never shipped");
                Wait.until(Duration.ofSeconds(60), "every saga to end", () -> count(db, "sagas WHERE state IN ('COMPLETED', 'CANCELLED')") == 3);
            } finally {
                orchestrator.shutdown();
                for (AutoCloseable s : services) {
                    s.close();
                }
                producer.shutdown();
            }
            Map<Long, String> sagas = new TreeMap<>();
            try (ResultSet rs = db.createStatement().executeQuery("SELECT order_id, state FROM sagas")) {
                while (rs.next()) {
                    sagas.put(rs.getLong(1), rs.getString(2));
                }
            }
            Map<Long, List<String>> work = new TreeMap<>();
            try (ResultSet rs = db.createStatement().executeQuery("SELECT order_id, service, action FROM work ORDER BY seq")) {
                while (rs.next()) {
                    work.computeIfAbsent(rs.getLong(1), o -> new ArrayList<>()).add(rs.getString(2) + ":" + rs.getString(3));
                }
            }
            work.forEach((order, done) -> System.out.printf("3. Order %d: %s, work done %s%n", order, sagas.get(order), done));
            return new Result(sagas, work);
        }
    }

    /** The orchestrator's moves; each one a compare-and-set on the saga's row, so a repeat or a late message changes nothing. */
    static final class Orchestrator {
        final String jdbcUrl;
        final DefaultMQProducer producer;
        final String commands;
        final String timeouts;

        Orchestrator(String jdbcUrl, DefaultMQProducer producer, String commands, String timeouts) {
            this.jdbcUrl = jdbcUrl;
            this.producer = producer;
            this.commands = commands;
            this.timeouts = timeouts;
        }

        void begin(long order) throws Exception {
            try (Connection db = DriverManager.getConnection(jdbcUrl)) {
                db.createStatement().execute("INSERT INTO sagas VALUES (" + order + ", 'RESERVING')");
            }
            step(order, "RESERVING", "inventory", "reserve");
        }

        void onReply(long order, String reply) throws Exception {
            switch (reply) {
                case "reserved" -> {
                    if (move(order, "RESERVING", "CHARGING")) {
                        step(order, "CHARGING", "payment", "charge");
                    }
                }
                case "charged" -> {
                    if (move(order, "CHARGING", "SHIPPING")) {
                        step(order, "SHIPPING", "shipping", "ship");
                    }
                }
                case "shipped" -> move(order, "SHIPPING", "COMPLETED");
                case "declined" -> compensate(order, "CHARGING", List.<String[]>of(new String[] {"inventory", "release"}));
                default -> { // "released" or "refunded": that compensation is done (a repeat deletes nothing)
                    try (Connection db = DriverManager.getConnection(jdbcUrl)) {
                        db.createStatement().executeUpdate("DELETE FROM compensations WHERE order_id = " + order + " AND action = '"
                            + (reply.equals("released") ? "release" : "refund") + "'");
                        db.createStatement().executeUpdate("UPDATE sagas SET state = 'CANCELLED' WHERE order_id = " + order
                            + " AND state = 'COMPENSATING' AND NOT EXISTS (SELECT 1 FROM compensations WHERE order_id = " + order + ")");
                    }
                }
            }
        }

        /** A step's timeout: if the saga still waits at {@code state}, undo the steps before it. */
        void onTimeout(long order, String state) throws Exception {
            switch (state) {
                case "SHIPPING" -> compensate(order, state, List.of(new String[] {"payment", "refund"}, new String[] {"inventory", "release"}));
                case "CHARGING" -> compensate(order, state, List.<String[]>of(new String[] {"inventory", "release"}));
                default -> move(order, state, "CANCELLED"); // nothing done yet
            }
        }

        /** From {@code state} to COMPENSATING with the compensations to wait for, then their commands; nothing if the saga moved on. */
        private void compensate(long order, String state, List<String[]> undo) throws Exception {
            try (Connection db = DriverManager.getConnection(jdbcUrl)) {
                db.setAutoCommit(false);
                try (PreparedStatement cas = db.prepareStatement("UPDATE sagas SET state = 'COMPENSATING' WHERE order_id = ? AND state = ?");
                     PreparedStatement pending = db.prepareStatement("INSERT INTO compensations VALUES (?, ?)")) {
                    cas.setLong(1, order);
                    cas.setString(2, state);
                    if (cas.executeUpdate() == 0) {
                        db.rollback();
                        return;
                    }
                    for (String[] u : undo) {
                        pending.setLong(1, order);
                        pending.setString(2, u[1]);
                        pending.executeUpdate();
                    }
                    db.commit();
                }
            }
            for (String[] u : undo) {
                send(order, u[0], u[1]);
            }
        }

        /** Sends the step's command and its timeout, due in {@link #TIMEOUT_MS}. */
        private void step(long order, String state, String service, String action) throws Exception {
            send(order, service, action);
            Message timeout = new Message(timeouts, (order + "," + state).getBytes(StandardCharsets.UTF_8));
            timeout.setDeliverTimeMs(System.currentTimeMillis() + TIMEOUT_MS);
            producer.send(timeout);
        }

        private void send(long order, String service, String action) throws Exception {
            producer.send(new Message(commands, service, (order + "," + action).getBytes(StandardCharsets.UTF_8)));
        }

        /** {@code from} → {@code to}, if the saga is still in {@code from}: a compare-and-set. */
        private boolean move(long order, String from, String to) throws SQLException {
            try (Connection db = DriverManager.getConnection(jdbcUrl);
                 PreparedStatement cas = db.prepareStatement("UPDATE sagas SET state = ? WHERE order_id = ? AND state = ?")) {
                cas.setString(1, to);
                cas.setLong(2, order);
                cas.setString(3, from);
                return cas.executeUpdate() == 1;
            }
        }
    }

    private static long count(Connection db, String from) throws SQLException {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
