package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SyncProducerGrpcTest {

    @Test
    void everySendReturnsAReceiptAndTheMessageIsStoredWhenSendReturns(RocketMQ rocketmq) throws Exception {
        int count = 8;
        SyncProducerGrpc.Result result = SyncProducerGrpc.run(rocketmq, UniqueNames.of("SyncProducerGrpc"), count);

        assertThat(result.receipts()).hasSize(count)
            .extracting(r -> r.getMessageId().toString()).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isNotBlank());
        assertThat(result.stored()).isEqualTo(count);
    }
}
