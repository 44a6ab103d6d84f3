package learn.rocketmq.advanced.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BatchSplittingTest {

    @Test
    void aListOverTheLimitIsRefusedWholeAndArrivesCompleteWhenSplit(RocketMQ rocketmq) throws Exception {
        int count = 50;
        BatchSplitting.Result result = BatchSplitting.run(rocketmq, UniqueNames.of("BatchSplitting"),
            UniqueNames.of("batch-splitting"), count, 120 * 1024); // ~6 MiB in all, limit 4 MiB

        assertThat(result.oneBatchError()).isNotEqualTo("sent").containsIgnoringCase("too large");
        assertThat(result.batchSizes()).hasSizeGreaterThan(1).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(result.limit()));
        assertThat(result.results()).allSatisfy(r -> assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK));
        assertThat(result.received()).containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, count).mapToObj(i -> "item-" + i).toList());
    }
}
