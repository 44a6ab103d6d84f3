package learn.rocketmq.basics.messagetypes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The orders both transaction-message lessons ({@link TransactionMessages},
 * {@link TransactionMessagesGrpc}) place, and what the local transaction of each one does.
 */
public final class OrderOutcomes {

    private OrderOutcomes() {
    }

    /** What happens in the local transaction of each order. */
    public enum LocalOutcome {
        /** the order is saved, the producer says COMMIT */
        COMMIT,
        /** saving the order fails, nothing is saved, the producer says ROLLBACK */
        ROLLBACK,
        /** the order is saved, then the producer "crashes" before answering (UNKNOW): the check-back finds it */
        SAVED_BUT_NO_ANSWER
    }

    /** The orders used: one per outcome, the rolled-back one first. */
    public static final Map<String, LocalOutcome> ORDERS = orders();

    private static Map<String, LocalOutcome> orders() {
        Map<String, LocalOutcome> orders = new LinkedHashMap<>();
        orders.put("order-rolled-back", LocalOutcome.ROLLBACK);
        orders.put("order-committed", LocalOutcome.COMMIT);
        orders.put("order-checked-back", LocalOutcome.SAVED_BUT_NO_ANSWER);
        return orders;
    }
}
