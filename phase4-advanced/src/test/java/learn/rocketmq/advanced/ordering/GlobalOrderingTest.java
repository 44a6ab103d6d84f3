package learn.rocketmq.advanced.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class GlobalOrderingTest {

    @Test
    void aOneQueueTopicKeepsTheTotalOrderAndFourQueuesConsumeFasterWithoutIt(RocketMQ rocketmq) throws Exception {
        int count = 120;
        GlobalOrdering.Result one = GlobalOrdering.run(rocketmq, UniqueNames.of("GlobalOrdering1"),
            UniqueNames.of("global-ordering-1"), 1, count, 5);
        GlobalOrdering.Result four = GlobalOrdering.run(rocketmq, UniqueNames.of("GlobalOrdering4"),
            UniqueNames.of("global-ordering-4"), 4, count, 5);

        // One queue: exactly the send order.
        assertThat(one.sequence()).containsExactlyElementsOf(IntStream.rangeClosed(1, count).boxed().toList());
        // Four queues: everything arrives (ordered per queue only)...
        assertThat(four.sequence()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, count).boxed().toList());
        // ...faster: 4 queues are worked on at once (ideally 4x; at least 1.5x on a busy machine).
        assertThat(four.perSecond()).isGreaterThan(1.5 * one.perSecond());
    }
}
