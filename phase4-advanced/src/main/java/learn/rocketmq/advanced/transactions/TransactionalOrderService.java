package learn.rocketmq.advanced.transactions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

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
 * <p>The service itself (the transactional producer, its listener and check-back) is
 * {@link OrderService}; this lesson runs it. Run it: {@code ./lesson TransactionalOrderService}.
 * Failures injected across two services: {@link DistributedTransaction}.
 */
public class TransactionalOrderService {

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
    public record Result(Map<String, String> rows, Set<String> delivered, Map<String, Integer> deliveries, List<OrderService.Check> checks,
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
        try (OrderService service = new OrderService(rocketmq, jdbcUrl, topic, producerGroup)) {
            service.placeOrder("order-1", 100, OrderBehaviour.COMMIT);
            service.placeOrder("order-2", 250, OrderBehaviour.FAIL_IN_LOCAL_TRANSACTION);
            service.placeOrder("order-3", 75, OrderBehaviour.PENDING_PAYMENT);

            // The broker checks back on order-3 (after 6 s, then every 30 s by default): UNKNOWN
            // while the row is PENDING. After two such answers, the payment arrives.
            boolean checkedTwice = Wait.until(Duration.ofSeconds(75), "two check-backs on order-3",
                () -> service.checks().stream().filter(c -> c.orderId().equals("order-3")).count() >= 2);
            service.confirmPayment("order-3");
            // The next check-back reads CONFIRMED and commits: order-3 is delivered.
            boolean delivered = Wait.until(Duration.ofSeconds(45), "order-1 and order-3 to be delivered",
                () -> deliveries.containsKey("order-1") && deliveries.containsKey("order-3"));
            List<String> decidedButChecked = service.checks().stream().map(OrderService.Check::orderId)
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
