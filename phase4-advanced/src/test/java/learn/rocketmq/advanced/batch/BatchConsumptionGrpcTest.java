package learn.rocketmq.advanced.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BatchConsumptionGrpcTest {

    @Test
    void receiveReturnsUpToMaxMessageNumCappedAt32AndEveryMessageIsAckedOnce(RocketMQ rocketmq) throws Exception {
        int count = 100;
        int maxMessageNum = 10;
        BatchConsumptionGrpc.Batches batches = BatchConsumptionGrpc.run(rocketmq,
            UniqueNames.of("BatchConsumptionGrpc"), UniqueNames.of("batch-consumption-grpc"), count, maxMessageNum,
            Duration.ofSeconds(10));

        // Every message sent arrived once, on its first delivery: the acks held.
        List<String> keys = batches.received().stream().map(SimpleConsumerBatches.Received::key).toList();
        assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(batches.sent());
        assertThat(batches.received()).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
        // No call returned more than it asked for, and (all messages were waiting) batches happened.
        assertThat(batches.calls()).allSatisfy(c -> assertThat(c.received()).isLessThanOrEqualTo(c.requested()));
        assertThat(batches.calls()).anySatisfy(c -> assertThat(c.received()).isGreaterThan(1));
        assertThat(batches.calls()).filteredOn(c -> c.requested() == maxMessageNum)
            .anySatisfy(c -> assertThat(c.received()).isEqualTo(maxMessageNum));
        // The cap: receive(64) with 100 waiting is no error, it silently returns 32.
        BatchConsumptionGrpc.Call overTheCap = batches.calls().get(0);
        assertThat(overTheCap.requested()).isGreaterThan(BatchConsumptionGrpc.MAX_MESSAGES_PER_RECEIVE);
        assertThat(overTheCap.received()).isEqualTo(BatchConsumptionGrpc.MAX_MESSAGES_PER_RECEIVE);
        // Zero is refused by the client.
        assertThat(batches.zeroRefused()).contains("maxMessageNum must be greater than 0");
    }
}
