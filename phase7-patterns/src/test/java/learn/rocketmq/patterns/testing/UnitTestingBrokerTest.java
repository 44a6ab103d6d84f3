package learn.rocketmq.patterns.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link UnitTesting}: the code whose unit tests pass ({@code UnitTestingTest}), against the real broker. */
@ExtendWith(RocketMQExtension.class)
class UnitTestingBrokerTest {

    @Test
    void aTagMismatchDeliversNothingAndAMissingTopicFailsOnlyForReal(RocketMQ rocketmq) throws Exception {
        UnitTesting.Result wrongTag = UnitTesting.run(rocketmq, UniqueNames.of("UnitTesting"), UniqueNames.of("unit-testing"), "PAID");
        assertThat(wrongTag.booked()).isEmpty();
        assertThat(wrongTag.missingTopicError()).startsWith("MQClientException: No route info of this topic");

        UnitTesting.Result rightTag = UnitTesting.run(rocketmq, UniqueNames.of("UnitTesting"), UniqueNames.of("unit-testing"), "Paid");
        assertThat(rightTag.booked()).isEqualTo(Map.of("order-1", 1250L, "order-2", 1250L, "order-3", 1250L));
    }
}
