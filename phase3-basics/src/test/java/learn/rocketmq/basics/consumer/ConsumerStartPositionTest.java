package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ConsumerStartPositionTest {

    @Test
    void onAYoungTopicEveryNewGroupReadsTheHistoryUnlessGivenOffsetsUpFront(RocketMQ rocketmq) throws Exception {
        int count = 5;
        ConsumerStartPosition.Result result = ConsumerStartPosition.run(rocketmq, UniqueNames.of("StartPosition"),
            UniqueNames.of("start-position"), count);

        List<String> fresh = IntStream.rangeClosed(1, count).mapToObj(i -> "new-" + i).toList();
        List<String> both = Stream.concat(IntStream.rangeClosed(1, count).mapToObj(i -> "old-" + i), fresh.stream()).toList();
        // FIRST_OFFSET: the history and the new messages, as documented.
        assertThat(result.received().get(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET.name())).containsExactlyInAnyOrderElementsOf(both);
        // LAST_OFFSET and TIMESTAMP on a young topic: the broker starts a group without offsets at 0.
        assertThat(result.received().get(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET.name())).containsExactlyInAnyOrderElementsOf(both);
        assertThat(result.received().get(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP.name())).containsExactlyInAnyOrderElementsOf(both);
        // Offsets committed at the queues' ends before the group starts: only the new messages.
        assertThat(result.received().get(ConsumerStartPosition.PRESET_TO_END)).containsExactlyInAnyOrderElementsOf(fresh);
    }
}
