package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class AsyncProducerTest {

    @Test
    void everyCallbackFiresWithinTheInFlightBoundAndAllMessagesAreStored(RocketMQ rocketmq) throws Exception {
        int count = 200;
        int limit = 8;
        AsyncProducer.Result result = AsyncProducer.run(rocketmq, UniqueNames.of("AsyncProducer"),
            UniqueNames.of("async-producer"), count, limit);

        assertThat(result.allCallbacksFired()).isTrue();
        assertThat(result.failed()).isEmpty();
        assertThat(result.succeeded()).hasSize(count)
            .allSatisfy(r -> assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK));
        assertThat(result.succeeded()).extracting(SendResult::getMsgId).doesNotHaveDuplicates();
        assertThat(result.maxInFlight()).isBetween(1, limit);
        assertThat(result.stored()).isEqualTo(count);
    }
}
