package learn.rocketmq.advanced.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class PartitionOrderingGrpcTest {

    private static final int KEYS = 6;
    private static final int STEPS = 15;
    private static final List<Integer> ALL_STEPS = IntStream.rangeClosed(1, STEPS).boxed().toList();

    @Test
    void anOrderlyGroupKeepsEachMessageGroupsOrder(RocketMQ rocketmq) throws Exception {
        PartitionOrderingGrpc.Result result = PartitionOrderingGrpc.run(rocketmq, UniqueNames.of("PartitionOrderingGrpc"),
            UniqueNames.of("partition-ordering-grpc"), true, KEYS, STEPS);

        assertThat(result.sequenceByKey()).hasSize(KEYS);
        result.sequenceByKey().forEach((key, steps) -> assertThat(steps).as(key).containsExactlyElementsOf(ALL_STEPS));
    }

    @Test
    void theSameFifoTopicReadByANonOrderlyGroupComesOutOfOrder(RocketMQ rocketmq) throws Exception {
        // Up to 3 runs, an inversion in any of them: thread timing never makes this flaky.
        long keysOutOfOrder = 0;
        for (int run = 1; run <= 3 && keysOutOfOrder == 0; run++) {
            PartitionOrderingGrpc.Result result = PartitionOrderingGrpc.run(rocketmq,
                UniqueNames.of("PartitionOrderingGrpcWrong"), UniqueNames.of("partition-ordering-grpc-wrong"), false, KEYS, STEPS);
            result.sequenceByKey().forEach((key, steps) -> assertThat(steps).as(key).containsExactlyInAnyOrderElementsOf(ALL_STEPS));
            keysOutOfOrder += result.keysOutOfOrder();
        }
        assertThat(keysOutOfOrder).isPositive();
    }
}
