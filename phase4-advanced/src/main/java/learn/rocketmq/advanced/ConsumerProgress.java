package learn.rocketmq.advanced;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import learn.rocketmq.stack.ConsumerQueues;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * For filtering lessons: knowing that a consumer has passed every message of a topic, the ones it
 * got and the ones filtered out, so "this message never arrived" is a fact, not a timeout.
 */
final class ConsumerProgress {

    private ConsumerProgress() {
    }

    /**
     * Waits (bounded) until every queue of {@code topic} is owned by one of {@code consumers} (the
     * instances of one group) and that consumer's offset on it is at the queue's end. Filtered-out
     * messages move the offset too.
     */
    static boolean awaitCaughtUp(List<DefaultMQPushConsumer> consumers, String topic, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Set<MessageQueue> queues = consumers.get(0).fetchSubscribeMessageQueues(topic);
        while (System.nanoTime() < deadline) {
            boolean caughtUp = true;
            for (MessageQueue mq : queues) {
                DefaultMQPushConsumer owner = consumers.stream()
                    .filter(c -> ConsumerQueues.owned(c, topic).contains(mq))
                    .findFirst().orElse(null);
                if (owner == null) {
                    caughtUp = false;
                    break;
                }
                @SuppressWarnings("deprecation")
                long max = owner.maxOffset(mq);
                long at = owner.getDefaultMQPushConsumerImpl().getOffsetStore().readOffset(mq, ReadOffsetType.READ_FROM_MEMORY);
                caughtUp &= at >= max;
            }
            if (caughtUp) {
                return true;
            }
            Thread.sleep(50);
        }
        System.out.printf("(the consumers had not passed every message of %s within %d s)%n", topic, bound.toSeconds());
        return false;
    }

    static boolean awaitCaughtUp(DefaultMQPushConsumer consumer, String topic, Duration bound) throws Exception {
        return awaitCaughtUp(List.of(consumer), topic, bound);
    }
}
