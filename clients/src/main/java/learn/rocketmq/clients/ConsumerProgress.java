package learn.rocketmq.clients;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import learn.rocketmq.stack.ConsumerQueues;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Where push consumers are (mostly classic ones), so a lesson knows instead of guessing: whether the instances
 * of a group have split the queues among them, and whether they have passed every message of a
 * topic, the ones they got and the ones filtered out ("this message never arrived" is then a fact,
 * not a timeout), by their offsets or by a last "sentinel" message.
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

    /**
     * A listener for a group that must know it has seen everything sent before a last, matching
     * "sentinel" message (its key starts with {@code sentinel}): it records the keys of the other
     * messages and counts {@code sentinelsSeen} down once, at its first sentinel. With one queue
     * and one consumer thread the group then has passed every message before it: what it did not
     * get was filtered out, not late.
     */
    public static MessageListenerConcurrently keysUntilSentinel(Set<String> keys, CountDownLatch sentinelsSeen) {
        AtomicBoolean sawSentinel = new AtomicBoolean();
        return (messages, context) -> {
            for (MessageExt m : messages) {
                if (!m.getKeys().startsWith("sentinel")) {
                    keys.add(m.getKeys());
                } else if (sawSentinel.compareAndSet(false, true)) {
                    sentinelsSeen.countDown();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        };
    }

    /** The same for a 5.x push consumer ({@code setMessageListener}, one consumption thread). */
    public static MessageListener keysUntilSentinelGrpc(Set<String> keys, CountDownLatch sentinelsSeen) {
        AtomicBoolean sawSentinel = new AtomicBoolean();
        return view -> {
            String key = view.getKeys().iterator().next();
            if (!key.startsWith("sentinel")) {
                keys.add(key);
            } else if (sawSentinel.compareAndSet(false, true)) {
                sentinelsSeen.countDown();
            }
            return ConsumeResult.SUCCESS;
        };
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

    /**
     * The keys of every message of {@code topic}, read by a new group from the first offset, until
     * {@code expected} are found or {@code bound} is over: what a lesson counting lost messages
     * compares with the keys it had acknowledged.
     */
    public static Set<String> readKeys(RocketMQ rocketmq, String topic, int expected, Duration bound)
        throws Exception {
        DefaultLitePullConsumer reader = Clients.configure(new DefaultLitePullConsumer(UniqueNames.of("key-reader")), rocketmq);
        reader.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        reader.subscribe(topic, "*");
        reader.start();
        Set<String> keys = new HashSet<>();
        try {
            Wait.until(bound, expected + " messages of " + topic, () -> {
                for (MessageExt m : reader.poll(1000)) {
                    keys.add(m.getKeys());
                }
                return keys.size() >= expected;
            });
        } finally {
            reader.shutdown();
        }
        return keys;
    }
}
