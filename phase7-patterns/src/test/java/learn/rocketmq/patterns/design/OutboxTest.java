package learn.rocketmq.patterns.design;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OutboxTest {

    @Test
    void everyCommittedOrderIsPublishedTheRelaysDuplicateIsAbsorbedAndARolledBackOrderNeverLeaves(RocketMQ rocketmq) throws Exception {
        Outbox.Result r = Outbox.run(rocketmq, "jdbc:h2:mem:" + UniqueNames.of("outbox") + ";DB_CLOSE_DELAY=-1",
            UniqueNames.of("Outbox"), UniqueNames.of("outbox"));

        // Order 3 rolled back with its outbox row: never published.
        assertThat(r.orders()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(r.outboxRows()).hasSize(4);
        String third = "outbox-" + r.outboxRows().get(2); // order 4's event
        assertThat(r.crash()).isEqualTo("relay died after publishing outbox row " + r.outboxRows().get(2) + " and before marking it");
        // Each row published in outbox order; the third twice (before the crash, and by the restarted
        // relay); every row marked in the end.
        assertThat(r.messageKeys()).containsExactly("outbox-" + r.outboxRows().get(0), "outbox-" + r.outboxRows().get(1), third, third,
            "outbox-" + r.outboxRows().get(3));
        assertThat(r.unpublished()).isZero();
        // The consumer shipped each order once and absorbed the duplicate.
        assertThat(r.shipments()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(r.duplicatesAbsorbed()).isEqualTo(1);
    }
}
