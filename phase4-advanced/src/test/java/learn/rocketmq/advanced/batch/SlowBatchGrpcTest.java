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
class SlowBatchGrpcTest {

    @Test
    void aBatchSlowerThanItsInvisibleTimeIsReceivedAgainAndItsLateAcksFail(RocketMQ rocketmq) throws Exception {
        // The fast-test profile lowers the proxy's minimum invisible time to 1 s (default 10 s);
        // 2 s leaves the quick half a safe margin.
        Duration invisible = Duration.ofSeconds(2);
        int size = 8;
        SlowBatchGrpc.SlowBatch slow = SlowBatchGrpc.run(rocketmq,
            UniqueNames.of("SlowBatchGrpc"), UniqueNames.of("slow-batch-grpc"), size, invisible);

        assertThat(slow.batch()).as("one receive got the whole batch").hasSize(size);
        List<String> slowHalf = slow.batch().subList(size / 2, size);
        // Exactly the unacked half came back, as a second delivery, not before the invisible time.
        assertThat(slow.cameBack()).extracting(SimpleConsumerBatches.Received::key).containsExactlyInAnyOrderElementsOf(slowHalf);
        assertThat(slow.cameBack()).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(2));
        assertThat(slow.cameBackAfterSeconds()).isGreaterThanOrEqualTo(invisible.toMillis() / 1000.0 - 0.2);
        assertThat(slow.ackedInTime()).doesNotContainAnyElementsOf(slowHalf).hasSize(size / 2);
        // The first receipts of the slow half expired: their acks fail.
        assertThat(slow.lateAckErrors()).hasSize(slowHalf.size())
            .allSatisfy(e -> assertThat(e).contains("INVALID_RECEIPT_HANDLE"));
    }
}
