package learn.rocketmq.advanced.transactions;

/**
 * What an order's local transaction does, so the transaction lessons can inject each failure a
 * real service meets. Shared by the classic and the 5.x order services of this section.
 */
public enum OrderBehaviour {
    /** Insert the order CONFIRMED, commit: the message is committed. */
    COMMIT,
    /** The insert fails inside the transaction (e.g. the stock check throws): database rollback, message rollback. */
    FAIL_IN_LOCAL_TRANSACTION,
    /** Insert the order PENDING (awaiting payment), commit: undecided; the check-back decides later. */
    PENDING_PAYMENT,
    /** Insert CONFIRMED and commit, then the process dies before the commit reaches the broker. */
    DIE_AFTER_DB_COMMIT;

    /**
     * How long a local transaction may take: a check-back about a half message with no row that is
     * older than this answers ROLLBACK (younger: UNKNOWN, the transaction may still be running).
     */
    public static final long LOCAL_TRANSACTION_TIMEOUT_MILLIS = 3000;

    /** The process "dies" here: what the client does with it is what the broker sees from a dead one. */
    public static final class ProcessDied extends RuntimeException {
        ProcessDied() {
            super("the producer process died after the database commit (simulated)");
        }
    }
}
