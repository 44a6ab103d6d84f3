package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
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
}
