package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ConsumptionPatternsTest {

    private static final int COUNT = 40;
    private static final List<String> ALL = IntStream.rangeClosed(1, COUNT).mapToObj(i -> "m-" + i).toList();

    @Test
    void clusteringSplitsTheMessagesBetweenTheGroupsConsumersWithNoOverlapAndNothingMissing(RocketMQ rocketmq) throws Exception {
        ConsumptionPatterns.Result result = ConsumptionPatterns.run(rocketmq, UniqueNames.of("Clustering"),
            UniqueNames.of("clustering"), MessageModel.CLUSTERING, COUNT);

        Set<String> first = result.received().get("consumer-1");
        Set<String> second = result.received().get("consumer-2");
        // The queues are split: two each, none shared.
        assertThat(result.queues().get("consumer-1")).hasSize(2).doesNotContainAnyElementsOf(result.queues().get("consumer-2"));
        assertThat(first).isNotEmpty().doesNotContainAnyElementsOf(second);
        assertThat(second).isNotEmpty();
        Set<String> union = new HashSet<>(first);
        union.addAll(second);
        assertThat(union).containsExactlyInAnyOrderElementsOf(ALL);
    }

    @Test
    void broadcastingGivesEveryConsumerEveryMessage(RocketMQ rocketmq) throws Exception {
        ConsumptionPatterns.Result result = ConsumptionPatterns.run(rocketmq, UniqueNames.of("Broadcasting"),
            UniqueNames.of("broadcasting"), MessageModel.BROADCASTING, COUNT);

        assertThat(result.queues().get("consumer-1")).containsExactly(0, 1, 2, 3);
        assertThat(result.queues().get("consumer-2")).containsExactly(0, 1, 2, 3);
        assertThat(result.received().get("consumer-1")).containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(result.received().get("consumer-2")).containsExactlyInAnyOrderElementsOf(ALL);
    }
}
