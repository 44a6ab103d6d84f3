package learn.rocketmq.stack.server;

import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.broker.transaction.TransactionalMessageService;
import org.apache.rocketmq.broker.transaction.queue.MessageQueueOpContext;
import org.apache.rocketmq.broker.transaction.queue.TransactionalMessageBridge;
import org.apache.rocketmq.broker.transaction.queue.TransactionalMessageServiceImpl;

/**
 * RocketMQ 5.5.0's own transactional message service, with one busy loop taken out.
 *
 * <p>The broker writes its COMMIT/ROLLBACK markers in batches: a thread
 * ({@code TransactionalOpBatchService}) sleeps until {@link #batchSendOpMessage()} says when to
 * run next. In 5.5.0 that time is computed from the last write of <em>every</em> queue's batch,
 * empty ones included, so once the broker has ended one transaction and then been idle for
 * {@code transactionOpBatchInterval} (3 s), it answers "now" forever: the thread spins and
 * burns a whole CPU core until the broker stops (measured: ~0.9 s of CPU per second, idle).
 * Here the answer is never earlier than the next batch that is actually due; what is written,
 * and when, is unchanged. {@link ServerMain} installs it; the Docker image runs the original.
 */
final class IdleSafeTransactionalMessageService extends TransactionalMessageServiceImpl {

    private final BrokerController broker;

    private IdleSafeTransactionalMessageService(BrokerController broker) {
        super(new TransactionalMessageBridge(broker, broker.getMessageStore()));
        this.broker = broker;
    }

    /** Replaces the service an initialized (not yet started) broker created, stopping the original's thread. */
    static void install(BrokerController broker) {
        TransactionalMessageService original = broker.getTransactionalMessageService();
        broker.setTransactionalMessageService(new IdleSafeTransactionalMessageService(broker));
        original.close();
    }

    @Override
    public long batchSendOpMessage() {
        long next = super.batchSendOpMessage();
        long now = System.currentTimeMillis();
        if (next > now) {
            return next;
        }
        long interval = broker.getBrokerConfig().getTransactionOpBatchInterval();
        int maxSize = broker.getBrokerConfig().getTransactionOpMsgMaxSize();
        long due = now + interval; // nothing pending: sleep one interval (a full batch wakes it earlier)
        for (MessageQueueOpContext queue : getDeleteContext().values()) {
            if (queue.getTotalSize().get() <= 0 || queue.getContextQueue().isEmpty()) {
                continue; // the 5.5.0 code counts these too, which is the bug
            }
            if (queue.getTotalSize().get() >= maxSize) {
                return 0; // more than one batch waiting: run again at once, as the original does
            }
            due = Math.min(due, queue.getLastWriteTimestamp() + interval);
        }
        return Math.max(due, now + 1);
    }
}
