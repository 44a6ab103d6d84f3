package learn.rocketmq.advanced.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BatchByteLimitGrpcTest {

    @Test
    void aReceiveReadsAtMostTheBrokersByteLimitPerQueue(RocketMQ rocketmq) throws Exception {
        int count = 8;
        int body = 64 * 1024;
        BatchByteLimitGrpc.BigMessages big = BatchByteLimitGrpc.run(rocketmq,
            UniqueNames.of("BatchByteLimitGrpc"), UniqueNames.of("batch-byte-limit-grpc"), count, body);

        assertThat(big.sizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(count);
        long bytesLimit = big.maxTransferBytesOnMessageInMemory();
        // Well under 32 per receive (one queue): no receive's bodies exceed the limit, and the
        // largest is the most that fits under it (headers take a little more than the bodies).
        assertThat(big.sizes()).allSatisfy(n -> assertThat((long) n * body).isLessThanOrEqualTo(bytesLimit));
        assertThat(big.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow())
            .isGreaterThan(1)
            .isGreaterThanOrEqualTo((int) (bytesLimit / body) - 1);
    }
}
