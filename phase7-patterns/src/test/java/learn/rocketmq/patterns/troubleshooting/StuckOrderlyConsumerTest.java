package learn.rocketmq.patterns.troubleshooting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class StuckOrderlyConsumerTest {

    @Test
    void withoutACapAPoisonMessageStopsItsQueueAndOnlyThatQueueShowsLag(RocketMQ rocketmq) throws Exception {
        StuckOrderlyConsumer.Result r = StuckOrderlyConsumer.run(rocketmq, UniqueNames.of("Stuck"), UniqueNames.of("stuck"), -1);

        List<Integer> all = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(r.consumed()).isEqualTo(Map.of("order-0", all, "order-1", all, "order-2", List.of(0, 1, 2), "order-3", all));
        assertThat(r.poisonAttempts()).isGreaterThanOrEqualTo(5); // and counting
        assertThat(r.lagPerQueue()).isEqualTo(Map.of(0, 0L, 1, 0L, 2, 7L, 3, 0L)); // the poison step and the 6 behind it
        assertThat(r.deadLetters()).isZero();
    }

    @Test
    void cappedRetriesSendThePoisonMessageToTheDlqAndTheQueueMovesOn(RocketMQ rocketmq) throws Exception {
        StuckOrderlyConsumer.Result r = StuckOrderlyConsumer.run(rocketmq, UniqueNames.of("Capped"), UniqueNames.of("capped"), 3);

        List<Integer> all = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(r.consumed()).isEqualTo(Map.of("order-0", all, "order-1", all, "order-2", List.of(0, 1, 2, 4, 5, 6, 7, 8, 9),
            "order-3", all));
        assertThat(r.poisonAttempts()).isEqualTo(4); // the first try and 3 retries
        assertThat(r.lagPerQueue()).isEqualTo(Map.of(0, 0L, 1, 0L, 2, 0L, 3, 0L));
        assertThat(r.deadLetters()).isEqualTo(1);
    }
}
