package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class RetryPolicyTest {

    @Test
    void theListenerChoosesTheDelayAndSendsAPoisonMessageStraightToTheDlq(RocketMQ rocketmq) throws Exception {
        RetryPolicy.PerMessageResult result = RetryPolicy.run(rocketmq, UniqueNames.of("RetryPolicy"),
            UniqueNames.of("retry-policy"));

        assertThat(result.transientSucceeded()).as("the transient message succeeded in the end").isTrue();
        assertThat(result.of("poison")).as("delivered once, no retries").hasSize(1);
        assertThat(result.deadLetters()).as("the poison message is in the DLQ").isEqualTo(1);
        List<RetryPolicy.Delivery> transientOnes = result.of("transient");
        assertThat(transientOnes).extracting(RetryPolicy.Delivery::reconsumeTimes).containsExactly(0, 1, 2);
        for (int i = 1; i < transientOnes.size(); i++) {
            assertThat(transientOnes.get(i).atMillis() - transientOnes.get(i - 1).atMillis())
                .isGreaterThanOrEqualTo(rocketmq.profile().delayLevelMillis(1) - 200);
        }
    }
}
