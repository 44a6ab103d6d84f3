package learn.rocketmq.advanced.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;

/**
 * What the 5.x batch lessons of this section share ({@link BatchConsumptionGrpc},
 * {@link BatchByteLimitGrpc}, {@link SlowBatchGrpc}): a topic filled with keyed messages, a
 * simple consumer of it, and how a received message is recorded.
 */
final class SimpleConsumerBatches {

    private SimpleConsumerBatches() {
    }

    /** One received message: its key and which delivery attempt it was. */
    public record Received(String key, int attempt) {
    }

    /**
     * Sends {@code count} messages with keys m-001, m-002, ... and waits (bounded) until all are in
     * the consume queues too, so that the first receive finds every message waiting.
     */
    static List<String> send(RocketMQ rocketmq, ClientServiceProvider provider, String topic, int count, byte[] body)
        throws Exception {
        List<String> keys = new ArrayList<>();
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
            .setTopics(topic).build()) {
            for (int i = 1; i <= count; i++) {
                String key = String.format("m-%03d", i);
                producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key).setBody(body).build());
                keys.add(key);
            }
        }
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            Wait.until(Duration.ofSeconds(10), "the messages in the consume queues", () -> admin.storedMessages(topic) >= count);
        }
        return keys;
    }

    /** A simple consumer of the whole topic; a receive that finds nothing waits up to 1 s. */
    static SimpleConsumer simpleConsumer(RocketMQ rocketmq, ClientServiceProvider provider, String topic, String group)
        throws ClientException {
        return provider.newSimpleConsumerBuilder()
            .setClientConfiguration(Clients.configuration(rocketmq))
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
            .setAwaitDuration(Duration.ofSeconds(1)) // how long a receive waits when nothing is there
            .build();
    }

    static Received received(MessageView view) {
        return new Received(key(view), view.getDeliveryAttempt());
    }

    static String key(MessageView view) {
        return view.getKeys().iterator().next();
    }
}
