package learn.rocketmq.advanced.batch;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BatchThroughputTest {

    @Test
    void batchesSendSeveralTimesMoreMessagesPerSecondThanSingleSends(RocketMQ rocketmq) throws Exception {
        int count = 1000;
        BatchThroughput.Result result = BatchThroughput.run(rocketmq, UniqueNames.of("BatchThroughput"), count, 100, 512);

        assertThat(result.stored()).isEqualTo(2L * count + 1);
        // Typically 10x or more; 2x leaves room for a busy 2-core machine.
        assertThat(result.batchPerSecond()).isGreaterThan(2 * result.singlePerSecond());
    }
}
