package learn.rocketmq.advanced.transactions;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;

/**
 * An order service with the 5.x client: the order row in its own database and the "order placed"
 * message happen both or neither. The application drives the two phases itself
 * ({@code beginTransaction}, {@code send(message, transaction)}, the SQL transaction, then
 * {@code commit()} or {@code rollback()}), and a {@code TransactionChecker} answers the broker's
 * check-backs from the database. The lesson {@link TransactionalOrderServiceGrpc} runs it; the
 * classic client's twin is {@link OrderService}.
 */
public class OrderServiceGrpc implements AutoCloseable {

    /** One check-back: which service instance was asked about which order, how old its half message was, the answer. */
    public record Check(String instance, String orderId, long ageMillis, TransactionResolution answer) {
    }


    private final String instance;
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
    public OrderServiceGrpc(RocketMQ rocketmq, String jdbcUrl, String topic, String instance, List<Check> checks)
        throws SQLException, ClientException {
        this.instance = instance;
        this.topic = topic;
        this.checks = checks;
        this.table = new OrderTable(jdbcUrl);
        // setTopics: the producer registers with the proxy for the topic right at start, so the
        // broker can send it check-backs before it has sent anything itself (a restarted instance).
        producer = provider.newProducerBuilder()
            .setClientConfiguration(Clients.configuration(rocketmq))
            .setTopics(topic)
            .setTransactionChecker(this::checkBack)
            .build();
    }

    /** Phase 1, the local transaction, phase 2. */
    public void placeOrder(String orderId, int amount, OrderBehaviour behaviour) throws ClientException {
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
            saved = table.save(orderId, amount, behaviour);
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
            case DIE_AFTER_DB_COMMIT -> throw new OrderBehaviour.ProcessDied();
            default -> {
                transaction.commit();
                System.out.printf("  %s: saved CONFIRMED, commit(): the message is visible now%n", orderId);
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
        String status = table.status(orderId);
        if (status == null) {
            boolean mayStillRun = ageMillis < OrderBehaviour.LOCAL_TRANSACTION_TIMEOUT_MILLIS;
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

    /** Every order row: id -> status. */
    public Map<String, String> orders() {
        return table.all();
    }

    /** The process ends: whatever this instance did not commit() or rollback() stays undecided on the broker. */
    @Override
    public void close() throws Exception {
        producer.close();
    }
}
