package learn.rocketmq.production.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ConsumerThreadsTest {

    @Test
    void consumeThreadMinIsTheConcurrencyAndThePullThresholdBoundsTheCache(RocketMQ rocketmq) throws Exception {
        ConsumerThreads.Result r = ConsumerThreads.run(rocketmq, UniqueNames.of("ConsumerThreads"), UniqueNames.of("consumer-threads"),
            40, 10, 200);

        List<ConsumerThreads.Threads> t = r.threads();
        assertThat(t.get(0).mostAtOnce()).isEqualTo(1);
        assertThat(t.get(1).mostAtOnce()).isEqualTo(4);
        // consumeThreadMax 16 with min 1: still one at a time (the pool's queue is unbounded).
        assertThat(t.get(2).mostAtOnce()).isEqualTo(1);
        assertThat(t.get(3).mostAtOnce()).isEqualTo(16);
        // A pull is made while the cache holds at most the threshold; one pull adds up to pullBatchSize (32).
        assertThat(r.mostCachedWithThreshold()).isLessThanOrEqualTo(r.pullThreshold() + 32);
        assertThat(r.mostCachedByDefault()).isGreaterThan(r.pullThreshold() + 32);
    }

    @Test
    void grpcConsumptionThreadCountIsTheConcurrency(RocketMQ rocketmq) throws Exception {
        List<ConsumerThreadsGrpc.Threads> runs = ConsumerThreadsGrpc.run(rocketmq, UniqueNames.of("ConsumerThreadsGrpc"),
            UniqueNames.of("consumer-threads-grpc"), 40);

        assertThat(runs.get(0).mostAtOnce()).isEqualTo(1);
        assertThat(runs.get(1).mostAtOnce()).isEqualTo(4);
    }
}
