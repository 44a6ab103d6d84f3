package learn.rocketmq.patterns.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A payment service's messaging, written to be unit-tested: the sending side talks to a one-method
 * {@link Sender} (RocketMQ's producer in production, a fake in a unit test), and the consuming side
 * is a plain {@link MessageListenerConcurrently} whose decisions (done, retry later, straight to the
 * DLQ) a test reads back from RocketMQ's own context object. Neither needs a broker to be tested.
 */
public final class PaymentEvents {

    private PaymentEvents() {
    }

    /** Where events go: {@code producer.send(new Message(topic, tag, key, body))} in production. */
    @FunctionalInterface
    public interface Sender {
        void send(String topic, String tag, String key, byte[] body) throws Exception;
    }

    /** What the consumer does with a payment: its own logic, no RocketMQ in it. */
    @FunctionalInterface
    public interface Ledger {
        /** Books {@code cents} for {@code order}; throws IllegalStateException when the ledger is busy (worth a retry). */
        void book(String order, long cents);
    }

    /** The sending side: validates a payment and publishes it, tagged by its state. */
    public static void paid(Sender sender, String topic, String order, long cents) throws Exception {
        if (cents <= 0) {
            throw new IllegalArgumentException("a payment of " + cents + " cents for " + order);
        }
        sender.send(topic, "Paid", order, Long.toString(cents).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The consuming side: each message booked; a busy ledger retried 1 s later; a body that is not a
     * number (a poison message) straight to the DLQ.
     */
    public static MessageListenerConcurrently listener(Ledger ledger) {
        return (List<MessageExt> messages, ConsumeConcurrentlyContext context) -> {
            for (MessageExt m : messages) {
                try {
                    ledger.book(m.getKeys(), Long.parseLong(new String(m.getBody(), StandardCharsets.UTF_8)));
                } catch (NumberFormatException poison) {
                    context.setDelayLevelWhenNextConsume(-1);
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                } catch (IllegalStateException busy) {
                    context.setDelayLevelWhenNextConsume(1);
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        };
    }
}
