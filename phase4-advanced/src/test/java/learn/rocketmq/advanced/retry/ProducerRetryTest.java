package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ProducerRetryTest {

    @Test
    void aSyncSendIsTriedOncePlusRetryTimesWhenSendFailed(RocketMQ rocketmq) throws Exception {
        ProducerRetry.ProducerResult result = ProducerRetry.run(rocketmq, UniqueNames.of("ProducerRetry"));

        assertThat(result.attemptsWithoutRetries()).isEqualTo(1);
        assertThat(result.attemptsWithDefaultRetries()).isEqualTo(3);
        // The broker's answer each time (the client reports it wrapped in "Send [n] times, still
        // failed", or, depending on the client's state, as the broker's exception itself).
        assertThat(result.errorWithoutRetries()).contains("not exist");
        assertThat(result.errorWithDefaultRetries()).contains("not exist");
    }

    @Test
    void aDefaultBrokerCreatesTheRemovedTopicAgainSoNothingFails() throws Exception {
        // Why the lesson's main starts a broker of its own: with autoCreateTopicEnable=true (the
        // default), the stale route's send re-creates the topic and succeeds at the first attempt.
        try (EmbeddedRocketMQ broker = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS, Map.of("autoCreateTopicEnable", "true"))) {
            ProducerRetry.ProducerResult result = ProducerRetry.run(broker.rocketMQ(), UniqueNames.of("ProducerRetryDefault"));
            assertThat(result.attemptsWithoutRetries()).isEqualTo(1);
            assertThat(result.errorWithoutRetries()).isEqualTo("sent");
            assertThat(result.errorWithDefaultRetries()).isEqualTo("sent");
        }
    }
}
