package learn.rocketmq.advanced.transactions;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Transaction messages: an order row in the service's database and the "order placed" message
 * must both happen or neither. RocketMQ does it in two phases:
 * <ol>
 *   <li>the producer sends a <em>half message</em>: stored, but invisible to consumers;</li>
 *   <li>the producer runs the <em>local transaction</em> (here a real SQL transaction in an H2
 *   database: insert the order, commit) and tells the broker COMMIT (the message becomes visible)
 *   or ROLLBACK (it is dropped), or UNKNOWN (not decided yet);</li>
 *   <li>if the broker hears nothing (the producer died) or UNKNOWN, it <em>checks back</em>: it asks
 *   a producer of the same producer group about the half message, after
 *   {@code transactionTimeOut} (6 s by default) and then every {@code transactionCheckInterval}
 *   (30 s by default), up to {@code transactionCheckMax} (15) times, then drops it.</li>
 * </ol>
 * The check-back must answer from the database's real state, never from memory (the instance
 * that ran the transaction may be gone) and never "COMMIT" by default: the broker may ask about
 * any half message, a rolled-back one included. Here: row CONFIRMED means COMMIT, CANCELLED means
 * ROLLBACK, PENDING (waiting for the payment) means UNKNOWN, and no row means ROLLBACK once the
 * local transaction must have ended (younger: UNKNOWN, it may still be running).
 * With the classic client.
 * Roadmap: 4.2 Transaction Messages: Two-phase commit in RocketMQ; 4.2 Transaction Messages: Local transaction execution; 4.2 Transaction Messages: Transaction status check.
 *
 * <p>Run it: {@code ./lesson TransactionalOrderService}. Failures injected across two services:
 * {@link DistributedTransaction}.
 */
public class TransactionalOrderService implements AutoCloseable {

    /** What the local transaction does, so lessons can inject failures. */
    public enum Behaviour {
        /** Insert the order CONFIRMED, commit: COMMIT. */
        COMMIT,
        /** The insert fails inside the transaction (e.g. the stock check throws): DB rollback, ROLLBACK. */
        FAIL_IN_LOCAL_TRANSACTION,
        /** Insert the order PENDING (awaiting payment), commit: UNKNOWN; the check-back decides later. */
        PENDING_PAYMENT,
        /** Insert CONFIRMED and commit, then the process dies before the COMMIT reaches the broker. */
        DIE_AFTER_DB_COMMIT
    }

    /** One check-back: which order, and what the database said. */
    public record Check(String orderId, LocalTransactionState answer) {
    }

    /** The process "dies" here: what the client does with it is what the broker sees from a dead one. */
    public static final class ProcessDied extends RuntimeException {
        ProcessDied() {
            super("the producer process died after the database commit (simulated)");
        }
    }

    /** How long a local transaction may take: a half message without a row older than this is rolled back. */
    static final long LOCAL_TRANSACTION_TIMEOUT_MILLIS = 3000;

    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

    private final String jdbcUrl;
    private final OrderTable table;
    private final String topic;
    private final TransactionMQProducer producer;
    private final List<Check> checks = new CopyOnWriteArrayList<>();

    /** Opens (creates) the order database and starts a transactional producer of {@code producerGroup}. */
    public TransactionalOrderService(RocketMQ rocketmq, String jdbcUrl, String topic, String producerGroup) throws Exception {
        this.jdbcUrl = jdbcUrl;
        this.topic = topic;
        this.table = new OrderTable(jdbcUrl);
        // The topic is declared up front: the producer then fetches its route at start, learns the
        // broker and heartbeats to it. A freshly restarted instance that has not sent anything yet
        // would otherwise be unknown to the broker and get no check-backs at all.
        producer = new TransactionMQProducer(producerGroup, List.of(topic));
        Clients.configure(producer, rocketmq); // NameServer address and shared client settings (see Clients)
        // Each service instance is its own client, as a separate process would be (clients of one
        // JVM otherwise share one connection and identity).
        producer.setInstanceName(producerGroup + "-" + INSTANCES.incrementAndGet());
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message message, Object behaviour) {
                return localTransaction(message.getKeys(), Integer.parseInt(message.getUserProperty("amount")),
                    (Behaviour) behaviour);
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt message) {
                LocalTransactionState answer = checkFromDatabase(message.getKeys(), message.getBornTimestamp());
                checks.add(new Check(message.getKeys(), answer));
                System.out.printf("  check-back for %s: the database says %s%n", message.getKeys(), answer);
                return answer;
            }
        });
        producer.start();
    }

    /** Phase 1 + 2: the half message, then the local transaction, then the decision. */
    public TransactionSendResult placeOrder(String orderId, int amount, Behaviour behaviour) throws Exception {
        return placeOrder(orderId, amount, behaviour, Map.of());
    }

    /** The same, with more properties on the message (e.g. the item and quantity, for other services). */
    public TransactionSendResult placeOrder(String orderId, int amount, Behaviour behaviour, Map<String, String> properties)
        throws Exception {
        Message message = new Message(topic, "order-placed", orderId,
            ("{\"order\":\"" + orderId + "\",\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8));
        properties.forEach(message::putUserProperty);
        message.putUserProperty("amount", String.valueOf(amount));
        TransactionSendResult result = producer.sendMessageInTransaction(message, behaviour);
        System.out.printf("%s (%s): half message %s, local transaction said %s%n", orderId, behaviour,
            result.getSendStatus(), result.getLocalTransactionState());
        return result;
    }

    private LocalTransactionState localTransaction(String orderId, int amount, Behaviour behaviour) {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id, amount, status) VALUES (?, ?, ?)")) {
                insert.setString(1, orderId);
                insert.setInt(2, behaviour == Behaviour.FAIL_IN_LOCAL_TRANSACTION ? -amount : amount); // violates the CHECK
                insert.setString(3, behaviour == Behaviour.PENDING_PAYMENT ? "PENDING" : "CONFIRMED");
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                System.out.printf("  %s: the local transaction failed (%s): database rolled back%n", orderId,
                    e.getMessage().lines().findFirst().orElse(""));
                return LocalTransactionState.ROLLBACK_MESSAGE;
            }
        } catch (SQLException e) {
            // Cannot even tell whether it committed: let the check-back ask the database later.
            return LocalTransactionState.UNKNOW;
        }
        return switch (behaviour) {
            case PENDING_PAYMENT -> LocalTransactionState.UNKNOW;
            // The client sends UNKNOWN for a listener that throws: to the broker, the same as a
            // producer that died before its COMMIT arrived. Only the check-back can save the order.
            case DIE_AFTER_DB_COMMIT -> throw new ProcessDied();
            default -> LocalTransactionState.COMMIT_MESSAGE;
        };
    }

    /** The check-back: the database's state of the order, nothing else. */
    LocalTransactionState checkFromDatabase(String orderId, long bornMillis) {
        String status = status(orderId);
        if (status == null) {
            boolean mayStillRun = System.currentTimeMillis() - bornMillis < LOCAL_TRANSACTION_TIMEOUT_MILLIS;
            return mayStillRun ? LocalTransactionState.UNKNOW : LocalTransactionState.ROLLBACK_MESSAGE;
        }
        return switch (status) {
            case "CONFIRMED" -> LocalTransactionState.COMMIT_MESSAGE;
            case "CANCELLED" -> LocalTransactionState.ROLLBACK_MESSAGE;
            default -> LocalTransactionState.UNKNOW; // PENDING
        };
    }

    /** The payment arrived: PENDING becomes CONFIRMED (a plain database update). */
    public void confirmPayment(String orderId) throws SQLException {
        table.confirmPayment(orderId);
    }

    /** The order's status in the database, or null without a row. */
    public String status(String orderId) {
        return table.status(orderId);
    }

    /** Every order row: id -> status. */
    public Map<String, String> orders() {
        return table.all();
    }

    public List<Check> checks() {
        return checks;
    }

    @Override
    public void close() {
        producer.shutdown();
    }

    // ---------------------------------------------------------------- the lesson

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("lesson-orders");
        Result result = run(rocketmq, "jdbc:h2:" + dir.resolve("orders"), "LessonTransactionalOrders",
            "lesson-transactional-orders", "lesson-transactional-orders-consumer");
        System.out.printf("Done. Rows: %s. Delivered: %s.%n", result.rows(), result.delivered());
    }

    /**
     * @param rows      the order table at the end: id -> status
     * @param delivered the orders whose message the consumer got
     * @param deliveries how many times each order's message arrived (a re-check may duplicate one)
     * @param checks    the check-backs the broker made
     * @param complete  whether each step happened within the lesson's waits (two UNKNOWN
     *                  check-backs for order-3, then order-1 and order-3 delivered)
     */
    public record Result(Map<String, String> rows, Set<String> delivered, Map<String, Integer> deliveries, List<Check> checks,
                         boolean complete) {
    }

    /**
     * Three orders: one commits, one fails in its local transaction, one waits for its payment
     * (UNKNOWN) until the check-back has asked twice, then the payment is confirmed.
     */
    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String producerGroup, String consumerGroup)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.TRANSACTION, 4);
        }
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(consumerGroup);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> {
                int n = deliveries.merge(m.getKeys(), 1, Integer::sum);
                System.out.printf("  consumer: %s delivered%s%n", m.getKeys(), n > 1 ? " again (a duplicate: be idempotent)" : "");
            });
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try (TransactionalOrderService service = new TransactionalOrderService(rocketmq, jdbcUrl, topic, producerGroup)) {
            service.placeOrder("order-1", 100, Behaviour.COMMIT);
            service.placeOrder("order-2", 250, Behaviour.FAIL_IN_LOCAL_TRANSACTION);
            service.placeOrder("order-3", 75, Behaviour.PENDING_PAYMENT);

            // The broker checks back on order-3 (after 6 s, then every 30 s by default): UNKNOWN
            // while the row is PENDING. After two such answers, the payment arrives.
            boolean checkedTwice = Wait.until(Duration.ofSeconds(75), "two check-backs on order-3",
                () -> service.checks().stream().filter(c -> c.orderId().equals("order-3")).count() >= 2);
            service.confirmPayment("order-3");
            // The next check-back reads CONFIRMED and commits: order-3 is delivered.
            boolean delivered = Wait.until(Duration.ofSeconds(45), "order-1 and order-3 to be delivered",
                () -> deliveries.containsKey("order-1") && deliveries.containsKey("order-3"));
            List<String> decidedButChecked = service.checks().stream().map(Check::orderId)
                .filter(id -> !id.equals("order-3")).distinct().sorted().toList();
            if (!decidedButChecked.isEmpty()) {
                // The broker batches its COMMIT/ROLLBACK markers (transactionOpBatchInterval, 3 s): a
                // check round before the marker is written asks about a decided half message.
                System.out.println("Notice: the broker also checked " + decidedButChecked + ", which it had already been"
                    + " told about. Answers from the database are right either way; a checker that always said"
                    + " COMMIT would have published order-2, which has no row.");
            }
            return new Result(service.orders(), Set.copyOf(deliveries.keySet()), Map.copyOf(deliveries),
                List.copyOf(service.checks()), checkedTwice && delivered);
        } finally {
            consumer.shutdown();
        }
    }
}
