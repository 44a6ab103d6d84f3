package learn.rocketmq.advanced.retry;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.advanced.retry.RetryAnotherBroker.Outcome;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendStatus;
import org.junit.jupiter.api.Test;

/**
 * Needs two masters, one a SYNC_MASTER without its slave: a cluster of its own (the shared stack
 * has one broker), as the lesson's main starts.
 */
class RetryAnotherBrokerTest {

    @Test
    void retryingAStoredButUnreplicatedSendOnAnotherBrokerTradesTheStatusForDuplicates() throws Exception {
        int messages = 6;
        RetryAnotherBroker.Result result;
        try (EmbeddedRocketMQ cluster = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS, RetryAnotherBroker.SYNC_MASTER_WITHOUT_SLAVE);
             RocketMQServer brokerB = cluster.startBroker(RetryAnotherBroker.SECOND_MASTER)) {
            result = RetryAnotherBroker.run(cluster.rocketMQ(), UniqueNames.of("RetryAnotherBroker"), messages);
        }

        // Default: the sends that went to broker-a come back FLUSH_SLAVE_TIMEOUT, not an exception,
        // and are not retried: each message is stored once and delivered once.
        Outcome byDefault = result.byDefault();
        int notOk = byDefault.statuses().getOrDefault(SendStatus.FLUSH_SLAVE_TIMEOUT, 0);
        assertThat(notOk).as("sends to the SYNC_MASTER without slave").isPositive();
        assertThat(byDefault.statuses().get(SendStatus.SEND_OK)).isEqualTo(messages - notOk);
        assertThat(byDefault.storedByBroker().get("broker-a")).as("stored on broker-a all the same").isEqualTo(notOk);
        assertThat(byDefault.stored()).isEqualTo(messages);
        assertThat(byDefault.deliveries()).isEqualTo(messages);
        assertThat(byDefault.distinctKeys()).isEqualTo(messages);

        // Retry another broker: every send ends SEND_OK on broker-b, and each one that went to
        // broker-a first is stored (and delivered) twice.
        Outcome retried = result.retryAnotherBroker();
        assertThat(retried.statuses()).containsOnlyKeys(SendStatus.SEND_OK);
        assertThat(retried.statuses().get(SendStatus.SEND_OK)).isEqualTo(messages);
        long firstOnA = retried.storedByBroker().getOrDefault("broker-a", 0L);
        assertThat(firstOnA).as("sends that went to broker-a first").isPositive();
        assertThat(retried.storedByBroker().get("broker-b")).isEqualTo(messages);
        assertThat(retried.deliveries()).isEqualTo(messages + firstOnA);
        assertThat(retried.distinctKeys()).isEqualTo(messages);
    }
}
