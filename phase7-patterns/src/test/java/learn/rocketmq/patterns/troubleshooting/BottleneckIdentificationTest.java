package learn.rocketmq.patterns.troubleshooting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class BottleneckIdentificationTest {

    @Test
    void theClientsStacksShowConsumeThreadsBlockedOnTheLedgersLock(RocketMQ rocketmq) throws Exception {
        BottleneckIdentification.Result r = BottleneckIdentification.run(rocketmq, UniqueNames.of("Locked"), UniqueNames.of("locked"), true);

        // During the backlog, consume threads wait BLOCKED in Ledger.post behind the one posting.
        assertThat(r.inPost().getOrDefault("BLOCKED", 0)).isPositive();
        assertThat(r.inPost().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(2);
        assertThat(r.maxConcurrentPosts()).isEqualTo(1); // 4 threads, one at a time: the lock is the bottleneck
        assertThat(r.lagAtDump()).isPositive();
    }

    @Test
    void withoutTheLockTheSameThreadsPostInParallel(RocketMQ rocketmq) throws Exception {
        BottleneckIdentification.Result r = BottleneckIdentification.run(rocketmq, UniqueNames.of("Unlocked"), UniqueNames.of("unlocked"), false);

        assertThat(r.inPost()).doesNotContainKey("BLOCKED").isNotEmpty();
        assertThat(r.maxConcurrentPosts()).isGreaterThan(1).isLessThanOrEqualTo(r.consumeThreads());
    }

    @Test
    void theDumpParserCountsConsumeThreadsInAMethodByState() {
        String dump = """
            ConsumeMessageThread_g_1                TID: 41 STATE: BLOCKED
            ConsumeMessageThread_g_1                a.Ledger.post(Ledger.java:10)

            ConsumeMessageThread_g_2                TID: 42 STATE: TIMED_WAITING
            ConsumeMessageThread_g_2                java.lang.Thread.sleep(Native Method)
            ConsumeMessageThread_g_2                a.Ledger.post(Ledger.java:11)

            PullMessageService                      TID: 43 STATE: BLOCKED
            PullMessageService                      a.Ledger.post(Ledger.java:10)

            """;
        assertThat(BottleneckIdentification.consumeThreadsIn(dump, "a.Ledger.post")).isEqualTo(Map.of("BLOCKED", 1, "TIMED_WAITING", 1));
    }
}
