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
class GlobalOrderingGrpcTest {

    @Test
    void oneMessageGroupKeepsTheTotalOrderOneAtATimeAndEightGroupsConsumeFasterWithoutIt(RocketMQ rocketmq)
        throws Exception {
        int count = 100;
        List<Integer> all = IntStream.rangeClosed(1, count).boxed().toList();
        GlobalOrderingGrpc.Comparison comparison = GlobalOrderingGrpc.compare(rocketmq, UniqueNames.of("GlobalOrderingGrpc"),
            UniqueNames.of("global-ordering-grpc"), 8, count, 5);
        GlobalOrderingGrpc.Result one = comparison.oneGroup();
        GlobalOrderingGrpc.Result eight = comparison.manyGroups();

        // One message group: exactly the send order, one message at a time despite 8 threads.
        assertThat(one.sequence()).containsExactlyElementsOf(all);
        assertThat(one.maxInFlight()).isEqualTo(1);
        // Eight message groups: everything arrives, each group in its order, several at a time...
        assertThat(eight.sequence()).containsExactlyInAnyOrderElementsOf(all);
        for (int g = 0; g < 8; g++) {
            int group = g;
            List<Integer> ofGroup = eight.sequence().stream().filter(seq -> seq % 8 == group).toList();
            assertThat(ofGroup).as("message group ledger-" + g).isSorted();
        }
        assertThat(eight.maxInFlight()).isGreaterThan(1);
        // ...and faster (measured about 4x; at least 1.5x on a busy machine).
        assertThat(eight.perSecond()).isGreaterThan(1.5 * one.perSecond());
    }
}
