package learn.rocketmq.advanced.transactions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A distributed transaction across two services, each with its own database, joined by a
 * transaction message: the <b>order service</b> writes the order and publishes "order placed"
 * atomically ({@link TransactionalOrderService}); the <b>account service</b> consumes it and debits
 * the customer in its own database. No two-phase commit across the databases: the order side is
 * atomic thanks to the half message and the check-back, the account side thanks to an idempotent
 * consumer (the debit's primary key is the order id, so a duplicate delivery changes nothing) and
 * retries (a failed debit is retried until it succeeds). The result is <em>eventual</em> consistency.
 * Roadmap: 4.2 Transaction Messages: Implementing distributed transactions.
 *
 * <p>Failures injected, and what saves each:
 * <ul>
 *   <li>the order service dies after its database commit, before the COMMIT reaches the broker:
 *   the broker checks back, a restarted instance of the same producer group reads the row and
 *   commits;</li>
 *   <li>the local transaction throws: the database rolls back, the half message is rolled back,
 *   nothing is debited;</li>
 *   <li>the check-back says UNKNOWN for a while (payment pending): the broker asks again until the
 *   row says CONFIRMED;</li>
 *   <li>the broker re-checks decided orders and may deliver a message twice: the debit is idempotent.</li>
 * </ul>
 * At the end: every confirmed order has exactly one debit, no debit lacks its order, the balance
 * is exact. Run it: {@code ./lesson DistributedTransaction}.
 */
public class DistributedTransaction {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("lesson-distributed-tx");
        Result r = run(rocketmq, dir.toString(), "LessonDistributedTransaction", "lesson-distributed-tx-orders",
            "lesson-distributed-tx-accounts");
        System.out.printf("Orders %s, debits %s, balance %d.%n", r.orders(), r.debits(), r.balance());
    }

    static final int INITIAL_BALANCE = 10_000;

    /**
     * @param orders     the order database: id -> status
     * @param debits     the account database: order id -> amount debited
     * @param balance    the customer's balance at the end
     * @param deliveries how often each order's message reached the account service
     * @param checks     the check-backs, from both order service instances
     */
    public record Result(Map<String, String> orders, Map<String, Integer> debits, int balance,
                         Map<String, Integer> deliveries, List<OrderService.Check> checks) {
    }

    public static Result run(RocketMQ rocketmq, String dataDir, String topic, String orderProducerGroup, String accountGroup)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.TRANSACTION, 4);
        }
        String ordersDb = "jdbc:h2:" + dataDir + "/orders";
        String accountsDb = "jdbc:h2:" + dataDir + "/accounts";
        createAccounts(accountsDb);

        // The account service: debit once per order, in its own database transaction.
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        DefaultMQPushConsumer accounts = new DefaultMQPushConsumer(accountGroup);
        Clients.configure(accounts, rocketmq); // NameServer address and shared client settings (see Clients)
        accounts.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        accounts.subscribe(topic, "*");
        accounts.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                deliveries.merge(m.getKeys(), 1, Integer::sum);
                try {
                    debit(accountsDb, m.getKeys(), Integer.parseInt(m.getUserProperty("amount")));
                } catch (SQLException e) {
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER; // retried later: the debit must happen
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        accounts.start();

        List<OrderService.Check> checks = new CopyOnWriteArrayList<>();
        try {
            // Instance 1 of the order service.
            OrderService first = new OrderService(rocketmq, ordersDb, topic, orderProducerGroup);
            for (int i = 1; i <= 6; i++) {
                first.placeOrder("order-" + i, 10 * i, OrderBehaviour.COMMIT);
            }
            first.placeOrder("order-fails", 500, OrderBehaviour.FAIL_IN_LOCAL_TRANSACTION);
            first.placeOrder("order-pending", 300, OrderBehaviour.PENDING_PAYMENT);
            first.placeOrder("order-crash", 200, OrderBehaviour.DIE_AFTER_DB_COMMIT);
            // The process is gone: its COMMIT for order-crash never reached the broker.
            checks.addAll(first.checks());
            first.close();
            System.out.println("Order service instance 1 is dead. Instance 2 starts (same producer group, same database).");

            try (OrderService second = new OrderService(rocketmq, ordersDb, topic, orderProducerGroup)) {
                // The payment for order-pending comes after the broker has been told UNKNOWN twice.
                Wait.until(Duration.ofSeconds(30), "two check-backs for order-pending",
                    () -> second.checks().stream().filter(c -> c.orderId().equals("order-pending")).count() >= 2);
                second.confirmPayment("order-pending");
                // Every confirmed order gets its debit.
                Wait.until(Duration.ofSeconds(30), "a debit for every confirmed order",
                    () -> debitsOf(accountsDb).keySet().equals(OrderTable.confirmed(second.orders())));
                checks.addAll(second.checks());
                Map<String, String> orders = new TreeMap<>(second.orders());
                Map<String, Integer> debits = new TreeMap<>(debitsOf(accountsDb));
                int balance = balance(accountsDb);
                System.out.printf("Order database: %s%n", orders);
                System.out.printf("Account database: debits %s, balance %d (started at %d)%n", debits, balance, INITIAL_BALANCE);
                System.out.printf("Deliveries per order (duplicates absorbed by the idempotent debit): %s%n", new TreeMap<>(deliveries));
                return new Result(orders, debits, balance, Map.copyOf(deliveries), List.copyOf(checks));
            }
        } finally {
            accounts.shutdown();
        }
    }

    private static void createAccounts(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS account (customer VARCHAR(32) PRIMARY KEY, balance INT NOT NULL)");
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS debit (order_id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL)");
            c.createStatement().execute("MERGE INTO account KEY (customer) VALUES ('alice', " + INITIAL_BALANCE + ")");
        }
    }

    /** One database transaction: record the debit (its key is the order id) and change the balance. */
    private static void debit(String jdbcUrl, String orderId, int amount) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO debit (order_id, amount) VALUES (?, ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE account SET balance = balance - ? WHERE customer = 'alice'")) {
                insert.setString(1, orderId);
                insert.setInt(2, amount);
                insert.executeUpdate();
                update.setInt(1, amount);
                update.executeUpdate();
                c.commit();
                System.out.printf("  account service: debited %d for %s%n", amount, orderId);
            } catch (SQLIntegrityConstraintViolationException duplicate) {
                c.rollback(); // already debited for this order: a duplicate delivery, nothing to do
                System.out.printf("  account service: %s already debited, duplicate ignored%n", orderId);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static Map<String, Integer> debitsOf(String jdbcUrl) {
        Map<String, Integer> debits = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             ResultSet rs = c.createStatement().executeQuery("SELECT order_id, amount FROM debit")) {
            while (rs.next()) {
                debits.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return debits;
    }

    private static int balance(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             ResultSet rs = c.createStatement().executeQuery("SELECT balance FROM account WHERE customer = 'alice'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
