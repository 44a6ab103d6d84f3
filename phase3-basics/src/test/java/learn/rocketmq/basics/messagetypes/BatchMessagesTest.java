package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BatchMessagesTest {

    @Test
    void aListSentInOneCallArrivesAsSeparateMessagesFromOneQueuePerBatch(RocketMQ rocketmq) throws Exception {
        int count = 60;
        BatchMessages.Result result = BatchMessages.run(rocketmq, UniqueNames.of("BatchMessages"),
            UniqueNames.of("batch-messages"), count, 2 * 1024);

        // Split into a few batches by size, every message in exactly one of them.
        assertThat(result.batches()).hasSizeBetween(2, count / 10);
        assertThat(result.batches().stream().mapToInt(BatchMessages.Batch::size).sum()).isEqualTo(count);
        // All arrive, each as its own message, each from its batch's queue.
        assertThat(result.received()).hasSize(count);
        for (BatchMessages.Batch batch : result.batches()) {
            for (String key : batch.keys()) {
                BatchMessages.Received m = result.received().get(key);
                assertThat(m).as("%s received", key).isNotNull();
                assertThat(m.body()).isEqualTo("batched message #" + key.substring("msg-".length()));
                assertThat(m.queueId()).as("queue of %s", key).isEqualTo(batch.queueId());
            }
        }
    }
}
