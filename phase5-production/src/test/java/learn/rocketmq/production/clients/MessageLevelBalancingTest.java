package learn.rocketmq.production.clients;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One queue, two consumers of a group: classic consumers share queues, so one is idle; 5.x consumers share messages. */
@ExtendWith(RocketMQExtension.class)
class MessageLevelBalancingTest {

    @Test
    void aQueueGoesToOneClassicConsumerWhileFiveXConsumersShareItsMessages(RocketMQ rocketmq) throws Exception {
        int count = 20;
        MessageLevelBalancing.Result r = MessageLevelBalancing.run(rocketmq, UniqueNames.of("MessageLevelBalancing"),
            UniqueNames.of("message-level-balancing"), count);

        assertThat(r.classic().values()).as("classic: %s", r.classic()).containsExactlyInAnyOrder(count, 0);
        // Each 5.x consumer takes one message at a time and works 100 ms on it: both get a share of the one queue.
        assertThat(r.grpc().values().stream().mapToInt(Integer::intValue).sum()).as("5.x: %s", r.grpc()).isEqualTo(count);
        assertThat(r.grpc().values()).as("5.x: %s", r.grpc()).allSatisfy(n -> assertThat(n).isPositive());
    }
}
