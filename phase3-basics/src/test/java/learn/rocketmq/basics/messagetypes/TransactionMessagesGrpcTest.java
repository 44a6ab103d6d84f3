package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class TransactionMessagesGrpcTest {

    @Test
    void commitDeliversRollbackNeverDoesAndTheCheckerAnswersFromLocalState(RocketMQ rocketmq) throws Exception {
        TransactionMessagesGrpc.Result result = TransactionMessagesGrpc.run(rocketmq, UniqueNames.of("TransactionMessagesGrpc"),
            UniqueNames.of("transaction-messages-grpc"));

        // Committed right away, and committed by the check-back (it found the order saved).
        assertThat(result.received()).contains("order-committed", "order-checked-back");
        assertThat(result.checks()).containsKey("order-checked-back");
        // The rolled-back order was sent first, and was still not delivered after the later
        // committed ones arrived, one of them only after a check-back round: it never will be.
        assertThat(result.received()).doesNotContain("order-rolled-back");
        assertThat(result.database()).containsOnlyKeys("order-committed", "order-checked-back");
    }
}
