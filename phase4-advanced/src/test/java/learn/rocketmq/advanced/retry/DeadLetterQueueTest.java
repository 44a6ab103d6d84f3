package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class DeadLetterQueueTest {

    @Test
    void afterMaxReconsumeTimesTheMessageIsInTheDlqAndReDrivingItDeliversItOnce(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("DeadLetterQueue");
        String group = UniqueNames.of("dead-letter-queue");
        int maxReconsumeTimes = 2;
        DeadLetterQueue.Result result = DeadLetterQueue.run(rocketmq, topic, group, maxReconsumeTimes);

        // 1 delivery + maxReconsumeTimes retries, then no more.
        assertThat(result.failedDeliveries()).isEqualTo(maxReconsumeTimes + 1);
        assertThat(result.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("%DLQ%" + group);
            assertThat(dead.originalTopic()).isEqualTo(topic);
            assertThat(dead.key()).isEqualTo("order-42");
            assertThat(dead.body()).isEqualTo("{\"order\":42}");
            assertThat(dead.originMessageId()).isNotBlank();
        });
        assertThat(result.redrivenConsumed()).singleElement().satisfies(c -> {
            assertThat(c.topic()).isEqualTo(topic);
            assertThat(c.key()).isEqualTo("order-42");
            assertThat(c.reconsumeTimes()).isZero();
            assertThat(c.redrivenFrom()).isEqualTo(result.deadLetters().get(0).originMessageId());
        });
    }
}
