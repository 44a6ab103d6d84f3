package learn.rocketmq.patterns.errors;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CircuitBreakerConsumerTest {

    @Test
    void theBreakerStopsCallingTheDownServiceAndLosesNothingWhileRetryingAloneEndsInTheDlq(RocketMQ rocketmq) throws Exception {
        CircuitBreakerConsumer.Result r = CircuitBreakerConsumer.run(rocketmq, UniqueNames.of("Breaker"), UniqueNames.of("breaker"), 20);

        // Retrying alone: every payment tried 3 times (1 + 2 retries) against the down service, then dead.
        assertThat(r.retryingDeadLetters()).isEqualTo(20);
        assertThat(r.retryingCallsWhileDown()).isGreaterThanOrEqualTo(60);
        // Through the breaker: the 4 calls that opened it, then only one probe per half-open; never a call while open.
        assertThat(r.breakerCallsWhileDown()).isEqualTo(4 + r.failedProbes());
        assertThat(r.transitions()).startsWith("State transition from CLOSED to OPEN").endsWith("State transition from HALF_OPEN to CLOSED");
        // Once the service is back, every payment made, none dead.
        assertThat(r.breakerPaid()).hasSize(20);
        assertThat(r.breakerDeadLetters()).isZero();
    }
}
