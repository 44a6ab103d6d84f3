package learn.rocketmq.advanced.transactions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.advanced.transactions.TransactionalOrderService.Behaviour;
import learn.rocketmq.advanced.transactions.TransactionalOrderService.ProcessDied;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The order service of {@link TransactionalOrderService} with the 5.x client: the order row in an
 * H2 database and the "order placed" message must both happen or neither. The two phases are the
 * same; the application drives them itself:
 * <ol>
 *   <li>{@code producer.beginTransaction()}, then {@code producer.send(message, transaction)}: the
 *   <em>half message</em>, stored but invisible to consumers;</li>
 *   <li>the <em>local transaction</em>: a real SQL transaction (insert the order, commit);</li>
 *   <li>{@code transaction.commit()} (the message becomes visible), {@code transaction.rollback()}
 *   (it is dropped), or neither: not decided yet, or the process died.</li>
 * </ol>
 * A half message left undecided is <em>checked back</em>: the broker asks, through the proxy, a
 * producer that declared the topic ({@code setTopics}) and has a {@code TransactionChecker}; first
 * after {@code transactionTimeOut} (6 s by default), then every {@code transactionCheckInterval}
 * (30 s), up to {@code transactionCheckMax} (15) times, then it drops the message. The 5.x client
 * has no producer group: the proxy uses the topic as the group, so any producer of the topic may
 * be asked, a freshly started one included. The broker may also ask about a half message it was
 * already told about: it writes its COMMIT/ROLLBACK markers in batches (every
 * {@code transactionOpBatchInterval}, 3 s), and a committed message that gets committed again by a
 * check-back arrives twice. Consumers are idempotent anyway (at-least-once).
 *
 * <p>The checker therefore answers from the database's real state, never from memory (the instance
 * that ran the transaction may be gone) and never COMMIT by default: row CONFIRMED means COMMIT,
 * CANCELLED means ROLLBACK, PENDING (waiting for the payment) means UNKNOWN (ask again later), and
 * no row means ROLLBACK once the local transaction must have ended, UNKNOWN before (it may still be
 * running). With the 5.x gRPC client.
 * Roadmap: 4.2 Transaction Messages: Two-phase commit in RocketMQ; 4.2 Transaction Messages: Local transaction execution; 4.2 Transaction Messages: Transaction status check.
 *
 * <p>Run it: {@code ./lesson TransactionalOrderServiceGrpc} (about two minutes: with the default
 * check interval of 30 s, the pending order is asked about three times).
 */
public class TransactionalOrderServiceGrpc implements AutoCloseable {

    /** One check-back: which service instance was asked about which order, how old its half message was, the answer. */
    public record Check(String instance, String orderId, long ageMillis, TransactionResolution answer) {
    }

    /** Bounds only: with the default check interval (30 s) the pending order takes about 90 s. */
    private static final Duration CHECK_BACKS = Duration.ofMinutes(3);

    private final String instance;
    private final String jdbcUrl;
    private final OrderTable table;
    private final String topic;
    private final List<Check> checks;
    private final ClientServiceProvider provider = ClientServiceProvider.loadService();
    private final Producer producer;

    /**
     * Opens (creates) the order database and starts a transactional producer for {@code topic}.
     *
     * @param instance which running copy of the service this is, for the output
     * @param checks   where the check-backs this instance answers are recorded
     */
    public TransactionalOrderServiceGrpc(RocketMQ rocketmq, String jdbcUrl, String topic, String instance, List<Check> checks)
        throws SQLException, ClientException {
        this.instance = instance;
        this.jdbcUrl = jdbcUrl;
        this.topic = topic;
        this.checks = checks;
        this.table = new OrderTable(jdbcUrl);
        // setTopics: the producer registers with the proxy for the topic right at start, so the
        // broker can send it check-backs before it has sent anything itself (a restarted instance).
        producer = provider.newProducerBuilder()
            .setClientConfiguration(configuration(rocketmq))
            .setTopics(topic)
            .setTransactionChecker(this::checkBack)
            .build();
    }

    static ClientConfiguration configuration(RocketMQ rocketmq) {
        return Clients.configuration(rocketmq);
    }

    /** Phase 1, the local transaction, phase 2. */
    public void placeOrder(String orderId, int amount, Behaviour behaviour) throws ClientException {
        // Phase 1: the half message, bound to a transaction (one message per transaction in 5.x).
        Transaction transaction = producer.beginTransaction();
        SendReceipt receipt = producer.send(provider.newMessageBuilder()
            .setTopic(topic)
            .setTag("order-placed")
            .setKeys(orderId)
            .addProperty("amount", String.valueOf(amount))
            .setBody(("{\"order\":\"" + orderId + "\",\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8))
            .build(), transaction);
        System.out.printf("%s (%s): half message %s stored, invisible to consumers%n", orderId, behaviour, receipt.getMessageId());

        // The local transaction: the order row, in the database's own transaction.
        boolean saved;
        try {
            saved = saveOrder(orderId, amount, behaviour);
        } catch (SQLException cannotTell) {
            // Not even known whether it committed: decide nothing, the check-back asks the database later.
            System.out.printf("  %s: database unreachable (%s): neither commit() nor rollback()%n", orderId, cannotTell.getMessage());
            return;
        }

        // Phase 2: tell the broker what the database did.
        if (!saved) {
            transaction.rollback();
            System.out.printf("  %s: rollback(): the half message is dropped%n", orderId);
            return;
        }
        switch (behaviour) {
            case PENDING_PAYMENT -> System.out.printf("  %s: saved PENDING, the payment is not in yet: neither commit() nor"
                + " rollback(), the check-back will ask%n", orderId);
            // The row is committed, then the process dies: commit() never reaches the broker.
            case DIE_AFTER_DB_COMMIT -> throw new ProcessDied();
            default -> {
                transaction.commit();
                System.out.printf("  %s: saved CONFIRMED, commit(): the message is visible now%n", orderId);
            }
        }
    }

    /** Inserts the order and commits; false if the insert failed and the database rolled back. */
    private boolean saveOrder(String orderId, int amount, Behaviour behaviour) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id, amount, status) VALUES (?, ?, ?)")) {
                insert.setString(1, orderId);
                insert.setInt(2, behaviour == Behaviour.FAIL_IN_LOCAL_TRANSACTION ? -amount : amount); // violates the CHECK
                insert.setString(3, behaviour == Behaviour.PENDING_PAYMENT ? "PENDING" : "CONFIRMED");
                insert.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                System.out.printf("  %s: the local transaction failed (%s): database rolled back%n", orderId,
                    e.getMessage().lines().findFirst().orElse(""));
                return false;
            }
        }
    }

    /** The check-back: called by the client when the broker asks about an undecided half message. */
    private TransactionResolution checkBack(MessageView message) {
        String orderId = message.getKeys().iterator().next();
        long ageMillis = System.currentTimeMillis() - message.getBornTimestamp();
        TransactionResolution answer = fromDatabase(orderId, ageMillis);
        checks.add(new Check(instance, orderId, ageMillis, answer));
        System.out.printf("  check-back to %s for %s (half message %d ms old): the database says %s%n", instance, orderId,
            ageMillis, answer);
        return answer; // UNKNOWN: the client answers nothing, the broker asks again next round
    }

    /** The database's state of the order, nothing else. */
    TransactionResolution fromDatabase(String orderId, long ageMillis) {
        String status = status(orderId);
        if (status == null) {
            boolean mayStillRun = ageMillis < TransactionalOrderService.LOCAL_TRANSACTION_TIMEOUT_MILLIS;
            return mayStillRun ? TransactionResolution.UNKNOWN : TransactionResolution.ROLLBACK;
        }
        return switch (status) {
            case "CONFIRMED" -> TransactionResolution.COMMIT;
            case "CANCELLED" -> TransactionResolution.ROLLBACK;
            default -> TransactionResolution.UNKNOWN; // PENDING
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

    /** The process ends: whatever this instance did not commit() or rollback() stays undecided on the broker. */
    @Override
    public void close() throws Exception {
        producer.close();
    }

    // ---------------------------------------------------------------- the lesson

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        String jdbcUrl = "jdbc:h2:" + Files.createTempDirectory("lesson-orders-grpc").resolve("orders");
        Result result = run(rocketmq, jdbcUrl, "LessonTransactionalOrderServiceGrpc", "lesson-transactional-order-service-grpc");
        System.out.printf("Done. Rows: %s. Delivered (times): %s.%n", result.rows(), new TreeMap<>(result.deliveries()));
    }

    /**
     * @param rows                   the order table at the end: id -> status
     * @param deliveries             how many times each order's message reached the consumer (a
     *                               commit() and a check-back's COMMIT may both arrive: at-least-once)
     * @param deliveredBeforePayment what had been delivered when the pending order's payment came in
     * @param checks                 every check-back, from both service instances
     */
    public record Result(Map<String, String> rows, Map<String, Integer> deliveries, Set<String> deliveredBeforePayment,
                         List<Check> checks) {

        /** The orders whose row says CONFIRMED. */
        public Set<String> confirmed() {
            return DistributedTransaction.confirmed(rows);
        }

        public List<Check> checksOf(String orderId) {
            return checks.stream().filter(c -> c.orderId().equals(orderId)).toList();
        }
    }

    /**
     * Instance 1 of the service takes three good orders, one whose local transaction fails, one
     * that waits for its payment, and one it "dies" on after the database commit. Instance 2 starts
     * (same database, same topic), answers the check-backs, sees the payment arrive, then takes one
     * more order: when that one is delivered, everything sent before it has had its chance.
     */
    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String consumerGroup) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.TRANSACTION, 4);
            admin.createConsumerGroup(consumerGroup, false);
        }
        System.out.printf("Topic %s (TRANSACTION) and consumer group %s are ready.%n", topic, consumerGroup);

        // The consumer only ever sees committed messages; it counts each order once per delivery.
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        PushConsumer consumer = ClientServiceProvider.loadService().newPushConsumerBuilder()
            .setClientConfiguration(configuration(rocketmq))
            .setConsumerGroup(consumerGroup)
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
            .setMessageListener((MessageView view) -> {
                String orderId = view.getKeys().iterator().next();
                int n = deliveries.merge(orderId, 1, Integer::sum);
                System.out.printf("  consumer: %s delivered%s%n", orderId, n > 1 ? " again (a duplicate: be idempotent)" : "");
                return ConsumeResult.SUCCESS;
            })
            .build();

        List<Check> checks = new CopyOnWriteArrayList<>();
        try {
            TransactionalOrderServiceGrpc first = new TransactionalOrderServiceGrpc(rocketmq, jdbcUrl, topic, "instance 1", checks);
            try {
                first.placeOrder("order-1", 100, Behaviour.COMMIT);
                first.placeOrder("order-2", 20, Behaviour.COMMIT);
                first.placeOrder("order-3", 30, Behaviour.COMMIT);
                first.placeOrder("order-fails", 500, Behaviour.FAIL_IN_LOCAL_TRANSACTION);
                first.placeOrder("order-pending", 300, Behaviour.PENDING_PAYMENT);
                first.placeOrder("order-crash", 200, Behaviour.DIE_AFTER_DB_COMMIT);
            } catch (ProcessDied died) {
                System.out.printf("Instance 1: %s. Its commit() for order-crash never reached the broker.%n", died.getMessage());
            } finally {
                first.close();
            }

            try (TransactionalOrderServiceGrpc second = new TransactionalOrderServiceGrpc(rocketmq, jdbcUrl, topic, "instance 2", checks)) {
                System.out.println("Instance 2 started: same database, same topic. It has not sent anything, yet the broker will ask it.");
                // The payment for order-pending comes after the broker has been told UNKNOWN twice.
                Wait.until(CHECK_BACKS, "two check-backs for order-pending", () -> checks.stream()
                    .filter(c -> c.orderId().equals("order-pending") && c.answer() == TransactionResolution.UNKNOWN).count() >= 2);
                Set<String> deliveredBeforePayment = Set.copyOf(deliveries.keySet());
                second.confirmPayment("order-pending");
                // The next check-back reads CONFIRMED: every confirmed order is delivered, order-crash included.
                Wait.until(CHECK_BACKS, "a message for every confirmed order", () -> deliveries.keySet()
                    .containsAll(DistributedTransaction.confirmed(second.orders())));
                // One more order after all of them: once it arrives, nothing sent earlier is still on its way.
                second.placeOrder("order-after-restart", 50, Behaviour.COMMIT);
                Wait.until(CHECK_BACKS, "order-after-restart", () -> deliveries.containsKey("order-after-restart"));

                Map<String, String> rows = second.orders();
                System.out.printf("Order database: %s%n", rows);
                System.out.printf("Delivered (times): %s%n", new TreeMap<>(deliveries));
                System.out.println("Notice: order-fails has no row and no message; order-crash has both, thanks to a"
                    + " check-back answered by an instance that never saw it; order-pending was asked until the database said"
                    + " CONFIRMED. If the broker also asked about orders already committed or rolled back, the database's"
                    + " answer was right either way; a checker that said COMMIT by default would have published order-fails.");
                return new Result(rows, Map.copyOf(deliveries), deliveredBeforePayment, List.copyOf(checks));
            }
        } finally {
            consumer.close();
        }
    }
}
