package learn.rocketmq.production.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class SendTimeoutsTest {

    @Test
    void aHungBrokerCostsTheClassicSendOneTimeoutAndThe5xSendOnePerAttempt() throws Exception {
        Duration sendMsgTimeout = Duration.ofMillis(1500);
        int retries = 2;
        Duration requestTimeout = Duration.ofMillis(1500);
        int maxAttempts = 2;
        try (RocketMQCluster cluster = RocketMQCluster.topology().brokerGroup("broker-a").proxy().start()) {
            SendTimeouts.Result r = SendTimeouts.run(cluster, UniqueNames.of("SendTimeouts"), sendMsgTimeout, retries,
                requestTimeout, maxAttempts);

            // Classic: sendMsgTimeout is the budget of the whole send, retries included: about one
            // timeout, far less than one per try (3 x 1500 ms).
            assertThat(r.classicError()).isNotNull();
            assertThat(r.classicFailedAfterMillis()).isGreaterThanOrEqualTo(sendMsgTimeout.toMillis() - 50)
                .isLessThan(2 * sendMsgTimeout.toMillis());
            // 5.x: every attempt waits its own requestTimeout.
            assertThat(r.grpcError()).isNotNull();
            assertThat(r.grpcFailedAfterMillis()).isGreaterThanOrEqualTo(maxAttempts * requestTimeout.toMillis() - 50);
            assertThat(r.sentAfterResume()).isTrue();
        }
    }
}
