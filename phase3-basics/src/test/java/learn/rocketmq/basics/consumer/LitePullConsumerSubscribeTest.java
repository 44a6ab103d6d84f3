package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class LitePullConsumerSubscribeTest {

    @Test
    void pollCommitSeekAndANewConsumerStartsAtTheCommittedOffsets(RocketMQ rocketmq) throws Exception {
        int before = 10;
        int after = 5;
        LitePullConsumerSubscribe.Result result = LitePullConsumerSubscribe.run(rocketmq, UniqueNames.of("LitePullSubscribe"),
            UniqueNames.of("lite-pull-subscribe"), before, after);

        assertThat(result.firstPolled()).containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, before).mapToObj(i -> "first-" + i).toList());
        // commitSync(): the group's offsets are past every polled message (4 queues, 10 messages).
        assertThat(result.committed()).hasSize(4);
        assertThat(result.committed().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(before);
        // seek(queue, 0): that queue's messages are read again.
        assertThat(result.replayed()).isNotEmpty().isSubsetOf(result.firstPolled()).doesNotHaveDuplicates();
        assertThat((long) result.replayed().size()).isEqualTo(result.committed().get(result.replayQueue()));
        // A new consumer of the group continues at the committed offsets: only the new messages.
        assertThat(result.afterRestart()).containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, after).mapToObj(i -> "second-" + i).toList());
    }
}
