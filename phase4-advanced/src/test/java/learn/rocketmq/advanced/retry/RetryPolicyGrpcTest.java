package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class RetryPolicyGrpcTest {

    @Test
    void theGroupsPolicyDecidesAttemptsAndExponentialBackoffThenTheDlq(RocketMQ rocketmq) throws Exception {
        // One retry keeps the test short (the main runs two: 1 s, then 2 s).
        int retryMaxTimes = 1;
        long initial = 500;
        RetryPolicyGrpc.Result result = RetryPolicyGrpc.run(rocketmq, UniqueNames.of("RetryPolicyGrpc"),
            UniqueNames.of("retry-policy-grpc"), retryMaxTimes, initial);

        List<RetryPolicyGrpc.Delivery> failing = result.of("always-fails");
        assertThat(failing).extracting(RetryPolicyGrpc.Delivery::attempt).containsExactly(1, 2);
        assertThat(result.deadLetters()).as("after the last attempt, in %DLQ%group").isEqualTo(1);
        assertThat(failing.get(1).atMillis() - failing.get(0).atMillis()).as("the backoff").isGreaterThanOrEqualTo(initial - 100);
        // A thrown exception is a FAILURE too; the last attempt succeeds and nothing else comes.
        assertThat(result.of("succeeds-last")).extracting(RetryPolicyGrpc.Delivery::attempt).containsExactly(1, 2);
    }
}
