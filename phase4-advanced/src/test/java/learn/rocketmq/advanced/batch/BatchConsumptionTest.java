package learn.rocketmq.advanced.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BatchConsumptionTest {

    @Test
    void theListenersListIsCappedByConsumeBatchPullBatchAndTheBroker(RocketMQ rocketmq) throws Exception {
        int count = 200;
        List<BatchConsumption.Run> runs = BatchConsumption.run(rocketmq, UniqueNames.of("BatchConsumption"),
            UniqueNames.of("batch-consumption"), count);

        for (BatchConsumption.Run run : runs) {
            assertThat(run.listSizes().stream().mapToInt(Integer::intValue).sum()).as("all consumed").isGreaterThanOrEqualTo(count);
            int bound = Math.min(run.consumeMessageBatchMaxSize(), Math.min(run.pullBatchSize(), run.brokerCap()));
            // Never more than the smallest of the three, and (the messages were all waiting) reached.
            assertThat(run.largest()).as("%s", run).isEqualTo(bound);
        }
        assertThat(runs.get(0).largest()).isEqualTo(1);   // the default: one message per call
        assertThat(runs.get(3).largest()).as("pullBatchSize 100 is cut to the broker's cap")
            .isEqualTo(runs.get(3).brokerCap()).isLessThan(100);
    }
}
