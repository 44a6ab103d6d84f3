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
        RetryPolicy.PerMessageResult result = RetryPolicy.perMessagePolicy(rocketmq, UniqueNames.of("RetryPolicy"),
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

    @Test
    void anOrderlyConsumerRetriesInPlaceAndTheRestOfTheQueueWaits(RocketMQ rocketmq) throws Exception {
        int failures = 2;
        RetryPolicy.OrderlyResult result = RetryPolicy.orderlySuspendAndRetry(rocketmq, UniqueNames.of("RetryPolicyOrderly"),
            UniqueNames.of("retry-policy-orderly"), failures);

        assertThat(result.allDone()).as("all three steps were done").isTrue();
        // Order kept: step-1 again and again, then only step-2 and step-3.
        assertThat(result.deliveries()).extracting(RetryPolicy.Delivery::key)
            .containsExactly("step-1", "step-1", "step-1", "step-2", "step-3");
        assertThat(result.deliveries().subList(0, 3)).extracting(RetryPolicy.Delivery::reconsumeTimes).containsExactly(0, 1, 2);
        for (int i = 1; i <= failures; i++) {
            assertThat(result.deliveries().get(i).atMillis() - result.deliveries().get(i - 1).atMillis())
                .as("suspended before retry %d", i).isGreaterThanOrEqualTo(result.suspendMillis() - 50);
        }
        assertThat(result.messagesInRetryTopic()).as("no message went to %RETRY%group").isZero();
    }

    @Test
    void aSyncSendIsTriedOncePlusRetryTimesWhenSendFailed(RocketMQ rocketmq) throws Exception {
        RetryPolicy.ProducerResult result = RetryPolicy.producerRetries(rocketmq, UniqueNames.of("RetryPolicyProducer"));

        assertThat(result.attemptsWithoutRetries()).isEqualTo(1);
        assertThat(result.attemptsWithDefaultRetries()).isEqualTo(3);
        // The broker's answer each time (the client reports it wrapped in "Send [n] times, still
        // failed", or, depending on the client's state, as the broker's exception itself).
        assertThat(result.errorWithoutRetries()).contains("not exist");
        assertThat(result.errorWithDefaultRetries()).contains("not exist");
    }
}
