package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class LitePullConsumerAssignTest {

    @Test
    void onlyTheAssignedQueuesAreReadFromTheSoughtOffsetsAndTheChosenOffsetsAreCommitted(RocketMQ rocketmq) throws Exception {
        LitePullConsumerAssign.Result result = LitePullConsumerAssign.run(rocketmq, UniqueNames.of("LitePullAssign"),
            UniqueNames.of("lite-pull-assign"), 12);

        int q0 = result.assignedQueues().get(0);
        int q1 = result.assignedQueues().get(1);
        // Expected: queue q0 from offset 1 on, queue q1 from offset 0 on, nothing of the other queues.
        List<String> expected = result.sentTo().entrySet().stream()
            .filter(e -> e.getValue().startsWith(q1 + ":")
                || e.getValue().startsWith(q0 + ":") && !e.getValue().equals(q0 + ":0"))
            .map(Map.Entry::getKey).toList();
        assertThat(expected).hasSize(5); // 12 messages round robin over 4 queues: 3 each, minus one skipped
        assertThat(result.polled()).containsExactlyInAnyOrderElementsOf(expected);
        // Committed: the next offset to read in each assigned queue (3 messages each: offsets 0..2).
        assertThat(result.committed()).containsExactlyInAnyOrderEntriesOf(Map.of(q0, 3L, q1, 3L));
    }
}
