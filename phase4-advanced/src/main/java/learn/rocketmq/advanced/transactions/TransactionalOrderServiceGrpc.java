package learn.rocketmq.advanced.transactions;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The order service of {@link TransactionalOrderService} with the 5.x client ({@link OrderServiceGrpc}): the order row in an
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
public class TransactionalOrderServiceGrpc {

    /** Bounds only: with the default check interval (30 s) the pending order takes about 90 s. */
    private static final Duration CHECK_BACKS = Duration.ofMinutes(3);

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
                         List<OrderServiceGrpc.Check> checks) {

        /** The orders whose row says CONFIRMED. */
        public Set<String> confirmed() {
            return OrderTable.confirmed(rows);
        }

        public List<OrderServiceGrpc.Check> checksOf(String orderId) {
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
            .setClientConfiguration(Clients.configuration(rocketmq))
            .setConsumerGroup(consumerGroup)
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
            .setMessageListener((MessageView view) -> {
                String orderId = view.getKeys().iterator().next();
                int n = deliveries.merge(orderId, 1, Integer::sum);
                System.out.printf("  consumer: %s delivered%s%n", orderId, n > 1 ? " again (a duplicate: be idempotent)" : "");
                return ConsumeResult.SUCCESS;
            })
            .build();

        List<OrderServiceGrpc.Check> checks = new CopyOnWriteArrayList<>();
        try {
            OrderServiceGrpc first = new OrderServiceGrpc(rocketmq, jdbcUrl, topic, "instance 1", checks);
            try {
                first.placeOrder("order-1", 100, OrderBehaviour.COMMIT);
                first.placeOrder("order-2", 20, OrderBehaviour.COMMIT);
                first.placeOrder("order-3", 30, OrderBehaviour.COMMIT);
                first.placeOrder("order-fails", 500, OrderBehaviour.FAIL_IN_LOCAL_TRANSACTION);
                first.placeOrder("order-pending", 300, OrderBehaviour.PENDING_PAYMENT);
                first.placeOrder("order-crash", 200, OrderBehaviour.DIE_AFTER_DB_COMMIT);
            } catch (OrderBehaviour.ProcessDied died) {
                System.out.printf("Instance 1: %s. Its commit() for order-crash never reached the broker.%n", died.getMessage());
            } finally {
                first.close();
            }

            try (OrderServiceGrpc second = new OrderServiceGrpc(rocketmq, jdbcUrl, topic, "instance 2", checks)) {
                System.out.println("Instance 2 started: same database, same topic. It has not sent anything, yet the broker will ask it.");
                // The payment for order-pending comes after the broker has been told UNKNOWN twice.
                Wait.until(CHECK_BACKS, "two check-backs for order-pending", () -> checks.stream()
                    .filter(c -> c.orderId().equals("order-pending") && c.answer() == TransactionResolution.UNKNOWN).count() >= 2);
                Set<String> deliveredBeforePayment = Set.copyOf(deliveries.keySet());
                second.confirmPayment("order-pending");
                // The next check-back reads CONFIRMED: every confirmed order is delivered, order-crash included.
                Wait.until(CHECK_BACKS, "a message for every confirmed order", () -> deliveries.keySet()
                    .containsAll(OrderTable.confirmed(second.orders())));
                // One more order after all of them: once it arrives, nothing sent earlier is still on its way.
                second.placeOrder("order-after-restart", 50, OrderBehaviour.COMMIT);
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
