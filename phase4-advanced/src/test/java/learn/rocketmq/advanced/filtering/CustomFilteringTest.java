package learn.rocketmq.advanced.filtering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CustomFilteringTest {

    @Test
    void theBrokerFiltersTheTagTheConsumerTheBodyAndSkippedMessagesAreAcknowledged(RocketMQ rocketmq) throws Exception {
        CustomFiltering.Result result = CustomFiltering.run(rocketmq, UniqueNames.of("CustomFiltering"),
            UniqueNames.of("custom-filtering"), true, 2);

        assertThat(result.complete()).as("the sentinel arrived").isTrue();
        assertThat(result.handled()).containsExactlyInAnyOrder("order-1", "order-4");
        // order-3 ("paid") never left the broker; the others reached the listener exactly once.
        assertThat(result.deliveries()).isEqualTo(Map.of("order-1", 1, "order-2", 1, "order-4", 1, "order-5", 1));
        assertThat(result.retried()).isZero();
        assertThat(result.deadLetters()).isZero();
    }

    @Test
    void skippingWithReconsumeLaterBouncesTheMessagesIntoTheDlq(RocketMQ rocketmq) throws Exception {
        int maxReconsumeTimes = 1;
        CustomFiltering.Result result = CustomFiltering.run(rocketmq, UniqueNames.of("CustomFilteringWrong"),
            UniqueNames.of("custom-filtering-wrong"), false, maxReconsumeTimes);

        assertThat(result.complete()).as("the sentinel arrived").isTrue();
        assertThat(result.handled()).containsExactlyInAnyOrder("order-1", "order-4");
        assertThat(result.deliveries()).containsEntry("order-2", maxReconsumeTimes + 1).containsEntry("order-5", maxReconsumeTimes + 1);
        assertThat(result.retried()).isEqualTo(2L * maxReconsumeTimes);
        assertThat(result.deadLetters()).isEqualTo(2);
    }
}
