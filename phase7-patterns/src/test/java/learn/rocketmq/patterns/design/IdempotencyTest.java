package learn.rocketmq.patterns.design;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class IdempotencyTest {

    @Test
    void onlyDeduplicationByTheBusinessKeyAppliesEachPaymentExactlyOnce(RocketMQ rocketmq) throws Exception {
        Idempotency.Result r = Idempotency.run(rocketmq, "jdbc:h2:mem:" + UniqueNames.of("idempotency") + ";DB_CLOSE_DELAY=-1",
            UniqueNames.of("Idempotency"), UniqueNames.of("idempotency"), 10);

        // The storm: 10 payments x 2 (same Message) + 5 sent again as new Messages.
        assertThat(r.sent()).isEqualTo(25);
        assertThat(r.sameIdOnResend()).as("the same Message sent again keeps its message id").isTrue();
        assertThat(r.newIdOnNewMessage()).as("a new Message for the same payment gets a new id").isTrue();
        // Applying everything credits every delivery (25, more if RocketMQ itself delivers one twice);
        // the message id catches only the re-sent Message (15 ids); the payment id catches both: one
        // credit per payment, the right balance.
        assertThat(r.deliveries()).allSatisfy((group, n) -> assertThat(n).as(group).isGreaterThanOrEqualTo(25));
        assertThat(r.credits().get("everything")).isEqualTo(r.deliveries().get("everything"));
        assertThat(r.credits().get("by-message-id")).isEqualTo(15);
        assertThat(r.credits().get("by-payment-id")).isEqualTo(10);
        assertThat(r.expectedBalance()).isEqualTo(5500);
        assertThat(r.balances().get("by-payment-id")).isEqualTo(5500);
        assertThat(r.balances().get("everything")).isGreaterThan(5500);
    }
}
