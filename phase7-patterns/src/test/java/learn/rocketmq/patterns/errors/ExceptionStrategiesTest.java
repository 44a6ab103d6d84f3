package learn.rocketmq.patterns.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ExceptionStrategiesTest {

    @Test
    void eachSendFailureHasItsKindAndPoisonMessagesGoToTheDlqAfterOneAttempt(RocketMQ rocketmq) throws Exception {
        ExceptionStrategies.Result r = ExceptionStrategies.run(rocketmq, UniqueNames.of("Exceptions"), UniqueNames.of("exceptions"));

        assertThat(r.sendFailures()).isEqualTo(Map.of(
            "a topic that does not exist", "MQClientException, code 10005", // the client: no route
            "a 5 MiB body", "MQClientException, code 13",                   // the client: MESSAGE_ILLEGAL
            "a delivery time beyond the timer's limit", "MQBrokerException, code 13", // the broker refused it
            "5.x: a topic that does not exist", "NotFoundException",
            "5.x: a consumer of a group never created", "IllegalStateException"));
        assertThat(r.groupNeverCreatedHint()).startsWith("The 5.x consumer could not start: most often its consumer group does not exist");
        // Transient failures passed on the second attempt; poison messages were tried once and are in the DLQ.
        assertThat(r.attempts()).isEqualTo(Map.of("ok-1", 1, "ok-2", 1, "busy-1", 2, "busy-2", 2, "poison-1", 1, "poison-2", 1));
        assertThat(r.deadLetters()).containsExactly("poison-1", "poison-2");
    }
}
