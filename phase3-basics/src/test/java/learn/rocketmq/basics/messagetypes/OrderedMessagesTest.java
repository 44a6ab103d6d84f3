package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OrderedMessagesTest {

    @Test
    void eachOrdersStepsArriveInSequenceWhileOrdersAreInterleavedAcrossQueues(RocketMQ rocketmq) throws Exception {
        int orders = 20;
        int steps = 5;
        OrderedMessages.Result result = OrderedMessages.run(rocketmq, UniqueNames.of("OrderedMessages"),
            UniqueNames.of("ordered-messages"), orders, steps);

        List<Integer> inSequence = IntStream.rangeClosed(1, steps).boxed().toList();
        assertThat(result.receivedByOrder()).hasSize(orders);
        result.receivedByOrder().forEach((order, received) ->
            assertThat(received).as("steps of %s in processing order", order).isEqualTo(inSequence));
        // One queue per order (the selector), and the orders spread over the topic's queues.
        result.queueByOrder().forEach((order, queues) -> assertThat(queues).as("queues of %s", order).hasSize(1));
        assertThat(result.queueByOrder().values().stream().flatMap(s -> s.stream()).distinct().count()).isGreaterThan(1);
        // Several queues were consumed on several threads: order per key, parallel across keys.
        assertThat(result.consumerThreads()).hasSizeGreaterThan(1);
        assertThat(result.inOrder()).isTrue();
    }
}
