package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class PushConsumerTest {

    @Test
    void theListenerGetsEveryMessageOnItsThreadsAndReconsumeLaterBringsAMessageBack(RocketMQ rocketmq) throws Exception {
        int count = 20;
        PushConsumer.Result result = PushConsumer.run(rocketmq, UniqueNames.of("PushConsumer"),
            UniqueNames.of("push-consumer"), count);

        assertThat(result.consumed()).containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, count).mapToObj(i -> "msg-" + i).toList());
        // RECONSUME_LATER: msg-1 was delivered again, counted by reconsumeTimes.
        assertThat(result.deliveries()).filteredOn(d -> d.key().equals("msg-1"))
            .extracting(PushConsumer.Delivery::reconsumeTimes).contains(0, 1);
        // The listener ran on the consumer's own pool, at most consumeThreadMin = 4 threads.
        assertThat(result.threads()).isNotEmpty().hasSizeLessThanOrEqualTo(4)
            .allSatisfy(t -> assertThat(t).startsWith("ConsumeMessageThread_"));
    }
}
