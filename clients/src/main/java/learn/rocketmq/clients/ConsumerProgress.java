package learn.rocketmq.clients;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import learn.rocketmq.stack.ConsumerQueues;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Where classic push consumers are, so a lesson knows instead of guessing: whether the instances
 * of a group have split the queues among them, and whether they have passed every message of a
 * topic, the ones they got and the ones filtered out ("this message never arrived" is then a fact,
 * not a timeout).
 */
public final class ConsumerProgress {

    private ConsumerProgress() {
    }

    /**
     * Waits (bounded) until every queue of {@code topic} is owned by one of {@code consumers} (the
     * instances of one group) and that consumer's offset on it is at the queue's end. Filtered-out
     * messages move the offset too.
     */
    public static boolean awaitCaughtUp(List<DefaultMQPushConsumer> consumers, String topic, Duration bound) throws Exception {
        Set<MessageQueue> queues = consumers.get(0).fetchSubscribeMessageQueues(topic);
        return Wait.until(bound, "the consumers to pass every message of " + topic, () -> {
            for (MessageQueue mq : queues) {
                DefaultMQPushConsumer owner = consumers.stream()
                    .filter(c -> ConsumerQueues.owned(c, topic).contains(mq))
                    .findFirst().orElse(null);
                if (owner == null || offset(owner, mq) < maxOffset(owner, mq)) {
                    return false;
                }
            }
            return true;
        });
    }

    public static boolean awaitCaughtUp(DefaultMQPushConsumer consumer, String topic, Duration bound) throws Exception {
        return awaitCaughtUp(List.of(consumer), topic, bound);
    }

    /**
     * Waits (bounded) until the {@code consumers} of one group own all {@code queues} of
     * {@code topic} between them and each owns at least one: the rebalance is done.
     */
    public static boolean awaitQueuesSplit(List<DefaultMQPushConsumer> consumers, String topic, int queues) throws Exception {
        return Wait.until(Duration.ofSeconds(20), "the consumers to split the queues of " + topic, () -> {
            int owned = 0;
            for (DefaultMQPushConsumer c : consumers) {
                int mine = ConsumerQueues.owned(c, topic).size();
                if (mine == 0) {
                    return false;
                }
                owned += mine;
            }
            return owned == queues;
        });
    }

    private static long offset(DefaultMQPushConsumer consumer, MessageQueue mq) {
        return consumer.getDefaultMQPushConsumerImpl().getOffsetStore().readOffset(mq, ReadOffsetType.READ_FROM_MEMORY);
    }

    @SuppressWarnings("deprecation")
    private static long maxOffset(DefaultMQPushConsumer consumer, MessageQueue mq) {
        try {
            return consumer.maxOffset(mq);
        } catch (Exception e) {
            return Long.MAX_VALUE; // not known yet: not caught up
        }
    }
}
