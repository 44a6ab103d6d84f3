package learn.rocketmq.advanced.transactions;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * An order service with the classic client's transactional producer: the order row in its own
 * database and the "order placed" message happen both or neither. The client drives the two
 * phases: {@code sendMessageInTransaction} stores the half message, calls
 * {@link TransactionListener#executeLocalTransaction} (the SQL transaction) and sends its answer;
 * {@link TransactionListener#checkLocalTransaction} answers the broker's check-backs from the
 * database. The lessons {@link TransactionalOrderService} and {@link DistributedTransaction} run it,
 * and so does the e-commerce project.
 */
public class OrderService implements AutoCloseable {

    /** One check-back: which order, and what the database said. */
    public record Check(String orderId, LocalTransactionState answer) {
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final OrderTable table;
    private final String topic;
    private final TransactionMQProducer producer;
    private final List<Check> checks = new CopyOnWriteArrayList<>();

    /** Opens (creates) the order database and starts a transactional producer of {@code producerGroup}. */
    public OrderService(RocketMQ rocketmq, String jdbcUrl, String topic, String producerGroup) throws Exception {
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
                    (OrderBehaviour) behaviour);
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
    public TransactionSendResult placeOrder(String orderId, int amount, OrderBehaviour behaviour) throws Exception {
        return placeOrder(orderId, amount, behaviour, Map.of());
    }

    /** The same, with more properties on the message (e.g. the item and quantity, for other services). */
    public TransactionSendResult placeOrder(String orderId, int amount, OrderBehaviour behaviour, Map<String, String> properties)
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

    private LocalTransactionState localTransaction(String orderId, int amount, OrderBehaviour behaviour) {
        try {
            if (!table.save(orderId, amount, behaviour)) {
                return LocalTransactionState.ROLLBACK_MESSAGE;
            }
        } catch (SQLException cannotTell) {
            // Cannot even tell whether it committed: let the check-back ask the database later.
            return LocalTransactionState.UNKNOW;
        }
        return switch (behaviour) {
            case PENDING_PAYMENT -> LocalTransactionState.UNKNOW;
            // The client sends UNKNOWN for a listener that throws: to the broker, the same as a
            // producer that died before its COMMIT arrived. Only the check-back can save the order.
            case DIE_AFTER_DB_COMMIT -> throw new OrderBehaviour.ProcessDied();
            default -> LocalTransactionState.COMMIT_MESSAGE;
        };
    }

    /**
     * The check-back: the database's state of the order, nothing else. Never COMMIT by default:
     * the broker may ask about any half message, a rolled-back one included.
     */
    LocalTransactionState checkFromDatabase(String orderId, long bornMillis) {
        String status = table.status(orderId);
        if (status == null) {
            boolean mayStillRun = System.currentTimeMillis() - bornMillis < OrderBehaviour.LOCAL_TRANSACTION_TIMEOUT_MILLIS;
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
}
