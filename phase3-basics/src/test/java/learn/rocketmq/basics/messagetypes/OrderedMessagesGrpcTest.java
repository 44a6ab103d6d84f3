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
class OrderedMessagesGrpcTest {

    @Test
    void eachMessageGroupIsConsumedInSequenceWhileGroupsAreInterleaved(RocketMQ rocketmq) throws Exception {
        int orders = 20;
        int steps = 5;
        OrderedMessagesGrpc.Result result = OrderedMessagesGrpc.run(rocketmq, UniqueNames.of("OrderedMessagesGrpc"),
            UniqueNames.of("ordered-messages-grpc"), orders, steps);

        List<Integer> inSequence = IntStream.rangeClosed(1, steps).boxed().toList();
        assertThat(result.receivedByOrder()).hasSize(orders);
        result.receivedByOrder().forEach((order, received) ->
            assertThat(received).as("steps of %s in processing order", order).isEqualTo(inSequence));
        assertThat(result.inOrder()).isTrue();
    }
}
