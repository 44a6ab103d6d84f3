package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class AsyncProducerGrpcTest {

    @Test
    void everyFutureCompletesWithinTheInFlightBoundAndAllMessagesAreStored(RocketMQ rocketmq) throws Exception {
        int count = 100;
        int limit = 8;
        AsyncProducerGrpc.Result result = AsyncProducerGrpc.run(rocketmq, UniqueNames.of("AsyncProducerGrpc"), count, limit);

        assertThat(result.failures()).isZero();
        assertThat(result.receipts()).hasSize(count)
            .extracting(r -> r.getMessageId().toString()).doesNotHaveDuplicates();
        assertThat(result.maxInFlight()).isBetween(1, limit);
        assertThat(result.stored()).isEqualTo(count);
    }
}
