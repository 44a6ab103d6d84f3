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
        BatchConsumptionGrpc.Batches batches = BatchConsumptionGrpc.receiveInBatches(rocketmq,
            UniqueNames.of("BatchConsumptionGrpc"), UniqueNames.of("batch-consumption-grpc"), count, maxMessageNum,
            Duration.ofSeconds(10));

        // Every message sent arrived once, on its first delivery: the acks held.
        List<String> keys = batches.received().stream().map(BatchConsumptionGrpc.Received::key).toList();
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

    @Test
    void aReceiveReadsAtMostTheBrokersByteLimitPerQueue(RocketMQ rocketmq) throws Exception {
        int count = 8;
        int body = 64 * 1024;
        BatchConsumptionGrpc.BigMessages big = BatchConsumptionGrpc.receiveBigMessages(rocketmq,
            UniqueNames.of("BatchConsumptionGrpcBig"), UniqueNames.of("batch-consumption-grpc-big"), count, body);

        assertThat(big.sizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(count);
        long bytesLimit = big.maxTransferBytesOnMessageInMemory();
        // Well under 32 per receive (one queue): no receive's bodies exceed the limit, and the
        // largest is the most that fits under it (headers take a little more than the bodies).
        assertThat(big.sizes()).allSatisfy(n -> assertThat((long) n * body).isLessThanOrEqualTo(bytesLimit));
        assertThat(big.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow())
            .isGreaterThan(1)
            .isGreaterThanOrEqualTo((int) (bytesLimit / body) - 1);
    }

    @Test
    void aBatchSlowerThanItsInvisibleTimeIsReceivedAgainAndItsLateAcksFail(RocketMQ rocketmq) throws Exception {
        // The fast-test profile lowers the proxy's minimum invisible time to 1 s (default 10 s);
        // 2 s leaves the quick half a safe margin.
        Duration invisible = Duration.ofSeconds(2);
        int size = 8;
        BatchConsumptionGrpc.SlowBatch slow = BatchConsumptionGrpc.slowBatch(rocketmq,
            UniqueNames.of("BatchConsumptionGrpcSlow"), UniqueNames.of("batch-consumption-grpc-slow"), size, invisible);

        assertThat(slow.batch()).as("one receive got the whole batch").hasSize(size);
        List<String> slowHalf = slow.batch().subList(size / 2, size);
        // Exactly the unacked half came back, as a second delivery, not before the invisible time.
        assertThat(slow.cameBack()).extracting(BatchConsumptionGrpc.Received::key).containsExactlyInAnyOrderElementsOf(slowHalf);
        assertThat(slow.cameBack()).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(2));
        assertThat(slow.cameBackAfterSeconds()).isGreaterThanOrEqualTo(invisible.toMillis() / 1000.0 - 0.2);
        assertThat(slow.ackedInTime()).doesNotContainAnyElementsOf(slowHalf).hasSize(size / 2);
        // The first receipts of the slow half expired: their acks fail.
        assertThat(slow.lateAckErrors()).hasSize(slowHalf.size())
            .allSatisfy(e -> assertThat(e).contains("INVALID_RECEIPT_HANDLE"));
    }
}
