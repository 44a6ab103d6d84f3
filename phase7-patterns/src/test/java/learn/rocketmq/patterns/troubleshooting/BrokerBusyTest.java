package learn.rocketmq.patterns.troubleshooting;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class BrokerBusyTest {

    @Test
    void aBurstOfAsyncSendsIsRefusedAsBrokerBusyNotStoredAndStoredWhenSentAgain() throws Exception {
        try (RocketMQCluster cluster = BrokerBusy.impatientBroker().start()) {
            BrokerBusy.Result r = BrokerBusy.run(cluster.rocketMQ(), UniqueNames.of("Busy"), 20_000);

            assertThat(r.refused()).isPositive();
            // Every refusal is the broker's flow control, with the text a learner searches for.
            assertThat(r.refusals().keySet()).allMatch(k -> k.startsWith("code 2 [") && k.contains("busy"), "flow-control refusals");
            assertThat(r.refusals().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.refused());
            // A refused message is not stored: the producer must send it again, and then all are there.
            assertThat(r.storedBefore()).isEqualTo(r.sent() - r.refused());
            assertThat(r.storedAfter()).isEqualTo(r.sent());
            // The stack's one-line hint calls it what it is (it once said "Cannot reach RocketMQ": the text contains "timeout").
            assertThat(r.hint()).startsWith("The broker is busy").contains("[TIMEOUT_CLEAN_QUEUE]");
        }
    }
}
