package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ConsumerRetryTest {

    @Test
    void aFailedMessageComesBackThroughTheRetryTopicWithAGrowingCountAfterTheDelay(RocketMQ rocketmq) throws Exception {
        String group = UniqueNames.of("consumer-retry");
        int failures = 2;
        ConsumerRetry.Result result = ConsumerRetry.run(rocketmq, UniqueNames.of("ConsumerRetry"), group, failures);

        for (String key : List.of("fails-by-status", "fails-by-exception")) {
            List<ConsumerRetry.Attempt> attempts = result.of(key);
            // RECONSUME_LATER and a thrown exception behave the same: failures + 1 deliveries.
            assertThat(attempts).as(key).extracting(ConsumerRetry.Attempt::reconsumeTimes).containsExactly(0, 1, 2);
            assertThat(attempts.get(0).retryTopicProperty()).as("first delivery is the original").isNull();
            assertThat(attempts.subList(1, attempts.size())).as("retries came through %RETRY%group")
                .allSatisfy(a -> assertThat(a.retryTopicProperty()).isNotNull());
            // Retry n waits delay level 3 + n (3 s, 4 s, ... in the fast profile); allow the scheduler's tick.
            for (int i = 1; i < attempts.size(); i++) {
                long gap = attempts.get(i).atMillis() - attempts.get(i - 1).atMillis();
                assertThat(gap).as("%s gap before retry %d", key, i)
                    .isGreaterThanOrEqualTo(rocketmq.profile().delayLevelMillis(3 + i - 1) - 200);
            }
        }
        assertThat(result.retryTopic()).isEqualTo("%RETRY%" + group);
        assertThat(result.messagesInRetryTopic()).isEqualTo(2L * failures);
    }
}
