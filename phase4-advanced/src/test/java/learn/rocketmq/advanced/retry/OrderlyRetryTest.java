package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OrderlyRetryTest {

    @Test
    void anOrderlyConsumerRetriesInPlaceAndTheRestOfTheQueueWaits(RocketMQ rocketmq) throws Exception {
        int failures = 2;
        OrderlyRetry.OrderlyResult result = OrderlyRetry.run(rocketmq, UniqueNames.of("OrderlyRetry"),
            UniqueNames.of("retry-policy-orderly"), failures);

        assertThat(result.allDone()).as("all three steps were done").isTrue();
        // Order kept: step-1 again and again, then only step-2 and step-3.
        assertThat(result.deliveries()).extracting(OrderlyRetry.Delivery::key)
            .containsExactly("step-1", "step-1", "step-1", "step-2", "step-3");
        assertThat(result.deliveries().subList(0, 3)).extracting(OrderlyRetry.Delivery::reconsumeTimes).containsExactly(0, 1, 2);
        for (int i = 1; i <= failures; i++) {
            assertThat(result.deliveries().get(i).atMillis() - result.deliveries().get(i - 1).atMillis())
                .as("suspended before retry %d", i).isGreaterThanOrEqualTo(result.suspendMillis() - 50);
        }
        assertThat(result.messagesInRetryTopic()).as("no message went to %RETRY%group").isZero();
    }
}
