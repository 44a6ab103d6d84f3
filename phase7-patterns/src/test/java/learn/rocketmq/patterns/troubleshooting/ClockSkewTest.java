package learn.rocketmq.patterns.troubleshooting;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ClockSkewTest {

    @Test
    void anAbsoluteDeliveryTimeFollowsTheSendersClockARelativeDelayTheBrokers(RocketMQ rocketmq) throws Exception {
        ClockSkew.Result r = ClockSkew.run(rocketmq, UniqueNames.of("ClockSkew"), UniqueNames.of("clock-skew"));

        // A sender a minute behind: its "in 10 s" was already past for the broker, so it came before
        // the one sent right (10 s of margin between the two, not a timing race).
        assertThat(r.arrivedAfterMillis().get("clock 1 min behind")).isLessThan(r.arrivedAfterMillis().get("clock right"));
        // A sender an hour ahead: held for an hour, unless it asked for a relative delay.
        assertThat(r.notArrived()).containsExactly("clock 1 h ahead");
        assertThat(r.arrivedAfterMillis()).containsKey("clock 1 h ahead, relative");
        // The broker did hold the right one and the relative one (the timer wheel fires up to one 1 s slot early).
        assertThat(r.arrivedAfterMillis().get("clock right")).isGreaterThanOrEqualTo(ClockSkew.DELAY_MS - 1000);
        assertThat(r.arrivedAfterMillis().get("clock 1 h ahead, relative")).isGreaterThanOrEqualTo(ClockSkew.DELAY_MS - 1000);
    }
}
