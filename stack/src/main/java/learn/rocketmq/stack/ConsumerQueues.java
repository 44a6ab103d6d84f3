package learn.rocketmq.stack;

import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Which queues a classic push consumer owns right now: its share of the topic after the group's
 * rebalance (clustering splits the queues among the group's consumers; broadcasting gives each
 * consumer all of them). The public API does not say, so this reads the client's rebalance state;
 * lessons use it to wait until a group has settled before they send.
 */
public final class ConsumerQueues {

    private ConsumerQueues() {
    }

    /** The queues of {@code topic} that {@code consumer} holds now. */
    public static Set<MessageQueue> owned(DefaultMQPushConsumer consumer, String topic) {
        return consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet().stream()
            .filter(mq -> mq.getTopic().equals(topic))
            .collect(Collectors.toSet());
    }
}
