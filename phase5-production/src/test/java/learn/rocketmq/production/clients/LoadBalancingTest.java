package learn.rocketmq.production.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.consumer.AllocateMessageQueueStrategy;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragelyByCircle;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueConsistentHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Eight queues; consumer-2 joins, consumer-3 joins, consumer-2 leaves: each queue always on exactly one consumer. */
@ExtendWith(RocketMQExtension.class)
class LoadBalancingTest {

    @Test
    void averagelyGivesEachConsumerAContiguousBlock(RocketMQ rocketmq) throws Exception {
        LoadBalancing.Result r = run(rocketmq, new AllocateMessageQueueAveragely());
        assertThat(r.steps().get(0)).isEqualTo(Map.of("consumer-1", Set.of(0, 1, 2, 3), "consumer-2", Set.of(4, 5, 6, 7)));
        assertThat(r.steps().get(1)).isEqualTo(Map.of("consumer-1", Set.of(0, 1, 2), "consumer-2", Set.of(3, 4, 5),
            "consumer-3", Set.of(6, 7)));
        assertThat(r.steps().get(2)).isEqualTo(Map.of("consumer-1", Set.of(0, 1, 2, 3), "consumer-3", Set.of(4, 5, 6, 7)));
    }

    @Test
    void byCircleDealsTheQueuesOutOneByOne(RocketMQ rocketmq) throws Exception {
        LoadBalancing.Result r = run(rocketmq, new AllocateMessageQueueAveragelyByCircle());
        assertThat(r.steps().get(0)).isEqualTo(Map.of("consumer-1", Set.of(0, 2, 4, 6), "consumer-2", Set.of(1, 3, 5, 7)));
        assertThat(r.steps().get(1)).isEqualTo(Map.of("consumer-1", Set.of(0, 3, 6), "consumer-2", Set.of(1, 4, 7),
            "consumer-3", Set.of(2, 5)));
        assertThat(r.steps().get(2)).isEqualTo(Map.of("consumer-1", Set.of(0, 2, 4, 6), "consumer-3", Set.of(1, 3, 5, 7)));
    }

    @Test
    void consistentHashMovesOnlyTheLeavingConsumersQueues(RocketMQ rocketmq) throws Exception {
        LoadBalancing.Result r = run(rocketmq, new AllocateMessageQueueConsistentHash());
        r.steps().forEach(step -> assertThat(step.values().stream().mapToInt(Set::size).sum()).isEqualTo(8));
        Map<String, Set<Integer>> before = r.steps().get(1);
        Map<String, Set<Integer>> after = r.steps().get(2);
        assertThat(after.get("consumer-1")).containsAll(before.get("consumer-1"));
        assertThat(after.get("consumer-3")).containsAll(before.get("consumer-3"));
    }

    @Test
    void byConfigGivesEveryConsumerTheSameConfiguredQueuesAndNobodyTheOthers(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("LoadBalancing");
        LoadBalancing.Result r = run(rocketmq, topic, LoadBalancing.byConfig(rocketmq, topic, 0, 1));
        assertThat(r.steps().get(0)).isEqualTo(Map.of("consumer-1", Set.of(0, 1), "consumer-2", Set.of(0, 1)));
        assertThat(r.steps().get(1)).isEqualTo(Map.of("consumer-1", Set.of(0, 1), "consumer-2", Set.of(0, 1),
            "consumer-3", Set.of(0, 1)));
        assertThat(r.steps().get(2)).isEqualTo(Map.of("consumer-1", Set.of(0, 1), "consumer-3", Set.of(0, 1)));
    }

    private static LoadBalancing.Result run(RocketMQ rocketmq, AllocateMessageQueueStrategy strategy) throws Exception {
        return run(rocketmq, UniqueNames.of("LoadBalancing"), strategy);
    }

    private static LoadBalancing.Result run(RocketMQ rocketmq, String topic, AllocateMessageQueueStrategy strategy) throws Exception {
        LoadBalancing.Result r = LoadBalancing.run(rocketmq, topic, UniqueNames.of("load-balancing"), strategy, 8);
        assertThat(r.steps()).hasSize(3);
        return r;
    }
}
