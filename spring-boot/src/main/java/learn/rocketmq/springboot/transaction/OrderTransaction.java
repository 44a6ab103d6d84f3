package learn.rocketmq.springboot.transaction;

import learn.rocketmq.springboot.transaction.TransactionalSend.Order;
import org.apache.rocketmq.spring.annotation.RocketMQTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The local transaction of {@link TransactionalSend}: the starter gives it to the default
 * template's producer (one listener per template). Each answer is taken from the database, never
 * from memory, because the check-back may come to another instance after a restart.
 */
@RocketMQTransactionListener
public class OrderTransaction implements RocketMQLocalTransactionListener {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public OrderTransaction(JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Override
    public RocketMQLocalTransactionState executeLocalTransaction(Message message, Object argument) {
        Order order = (Order) argument;
        try {
            transaction.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO orders (id, amount) VALUES (?, ?)", order.id(), order.amount());
                if (order.amount() <= 0) {
                    throw new IllegalArgumentException("amount must be positive"); // rolls the insert back
                }
            });
        } catch (IllegalArgumentException e) {
            return RocketMQLocalTransactionState.ROLLBACK;
        }
        // Committed. The "unanswered" order plays a service that dies before it can say so.
        return order.id().endsWith("-unanswered") ? RocketMQLocalTransactionState.UNKNOWN : RocketMQLocalTransactionState.COMMIT;
    }

    @Override
    public RocketMQLocalTransactionState checkLocalTransaction(Message message) {
        // The broker's question: the half message, its key among the headers (rocketmq_KEYS).
        String id = (String) message.getHeaders().get(RocketMQHeaders.PREFIX + RocketMQHeaders.KEYS);
        boolean committed = jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE id = ?", Integer.class, id) == 1;
        System.out.printf("  check-back for %s: row %s -> %s%n", id, committed ? "found" : "absent", committed ? "COMMIT" : "ROLLBACK");
        return committed ? RocketMQLocalTransactionState.COMMIT : RocketMQLocalTransactionState.ROLLBACK;
    }
}
