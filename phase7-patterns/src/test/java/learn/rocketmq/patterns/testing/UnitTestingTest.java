package learn.rocketmq.patterns.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

/**
 * The unit tests of {@link PaymentEvents}: no broker, they run in milliseconds. What they cannot
 * catch, the lesson {@code UnitTesting} shows against the real broker ({@code UnitTestingBrokerTest}).
 */
class UnitTestingTest {

    /** What a fake sender collected: topic, tag, key, body. */
    private final List<String> sent = new ArrayList<>();
    private final PaymentEvents.Sender fake = (topic, tag, key, body) -> sent.add(topic + " " + tag + " " + key + " "
        + new String(body, StandardCharsets.UTF_8));

    @Test
    void aPaymentIsPublishedTaggedPaidWithTheOrderAsKey() throws Exception {
        PaymentEvents.paid(fake, "Payments", "order-7", 1250);
        assertThat(sent).containsExactly("Payments Paid order-7 1250");
    }

    @Test
    void anInvalidPaymentIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> PaymentEvents.paid(fake, "Payments", "order-7", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(sent).isEmpty();
    }

    @Test
    void theListenerBooksRetriesABusyLedgerAndSendsPoisonToTheDlq() {
        Map<String, Long> ledger = new ConcurrentHashMap<>();
        var listener = PaymentEvents.listener(ledger::put);
        ConsumeConcurrentlyContext ok = context();
        assertThat(listener.consumeMessage(List.of(message("order-1", "1250")), ok)).isEqualTo(ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        assertThat(ledger).containsEntry("order-1", 1250L);

        ConsumeConcurrentlyContext busy = context();
        var busyListener = PaymentEvents.listener((order, cents) -> {
            throw new IllegalStateException("ledger busy");
        });
        assertThat(busyListener.consumeMessage(List.of(message("order-2", "10")), busy)).isEqualTo(ConsumeConcurrentlyStatus.RECONSUME_LATER);
        assertThat(busy.getDelayLevelWhenNextConsume()).isEqualTo(1);

        ConsumeConcurrentlyContext poison = context();
        assertThat(listener.consumeMessage(List.of(message("order-3", "{oops")), poison)).isEqualTo(ConsumeConcurrentlyStatus.RECONSUME_LATER);
        assertThat(poison.getDelayLevelWhenNextConsume()).isEqualTo(-1);
    }

    private static MessageExt message(String key, String body) {
        MessageExt m = new MessageExt();
        m.setTopic("Payments");
        m.setKeys(key);
        m.setBody(body.getBytes(StandardCharsets.UTF_8));
        return m;
    }

    private static ConsumeConcurrentlyContext context() {
        return new ConsumeConcurrentlyContext(new MessageQueue("Payments", "broker-a", 0));
    }
}
