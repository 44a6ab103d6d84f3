package learn.rocketmq.patterns.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class MessageReplayTest {

    @Test
    void aReplayTakesExactlyTheChosenWindowAResetGroupReadsAgainAndReDrivenDeadLettersAreProcessed(RocketMQ rocketmq) throws Exception {
        MessageReplay.Result r = MessageReplay.run(rocketmq, UniqueNames.of("Replay"), UniqueNames.of("replay"));

        assertThat(r.windowReplay()).isEqualTo(IntStream.rangeClosed(1, 10).mapToObj(i -> "b-" + i).collect(Collectors.toSet()));
        // Reset to t1: b and c again (at least; nothing of a).
        assertThat(r.afterReset()).allSatisfy(k -> assertThat(k).doesNotStartWith("a-")).hasSizeGreaterThanOrEqualTo(20);
        assertThat(r.deadLetters()).containsExactly("payment-4", "payment-8");
        // After the re-drive every payment processed, the two dead letters once each (the others once too).
        assertThat(r.redriven()).hasSize(10).allSatisfy((key, times) -> assertThat(times).as(key).isEqualTo(1));
    }
}
