package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class DelayedMessagesTest {

    @Test
    void delayedMessagesArriveNotBeforeTheirTimeAndSoonAfter(RocketMQ rocketmq) throws Exception {
        int level = 3;
        long delay = rocketmq.profile().delayLevelMillis(level);
        DelayedMessages.Result result = DelayedMessages.run(rocketmq, UniqueNames.of("DelayedMessages"),
            UniqueNames.of("delayed-messages"), level, 1500);

        DelayedMessages.Timing normal = result.messages().get("normal");
        DelayedMessages.Timing leveled = result.messages().get("level-" + level);
        DelayedMessages.Timing timed = result.messages().get("deliver-at");
        assertThat(normal.receivedAt()).as("the normal message arrived").isPositive();
        // The delay level: the broker released it (wrote it to the topic) after exactly this level's
        // delay, before the next level's (each level's delay is distinct in both profiles), and
        // the consumer got it after that.
        long nextLevelDelay = rocketmq.profile().delayLevelMillis(level + 1);
        assertThat(leveled.receivedAt()).as("level %d arrived", level).isPositive();
        assertThat(leveled.storedAt() - leveled.sentAt()).as("ms from send to release, level %d = %d ms", level, delay)
            .isGreaterThanOrEqualTo(delay).isLessThan(nextLevelDelay);
        assertThat(leveled.receivedAt()).isGreaterThanOrEqualTo(leveled.storedAt()).isLessThan(leveled.storedAt() + 5_000);
        // The delivery time: not before it, and delivered after it.
        assertThat(timed.receivedAt()).as("deliver-at arrived").isPositive();
        assertThat(timed.receivedAt()).as("received vs due").isGreaterThanOrEqualTo(timed.dueAt()).isLessThan(timed.dueAt() + 5_000);
        // The normal message, sent at the same time, did not wait.
        assertThat(normal.receivedAt()).isLessThan(leveled.receivedAt()).isLessThan(timed.receivedAt());
    }
}
