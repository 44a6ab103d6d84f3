package learn.rocketmq.patterns.design;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.patterns.design.EventSourcing.Account;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class EventSourcingTest {

    @Test
    void theStateRebuiltFromTheTopicAndFromASnapshotPlusTailEqualsTheLiveState(RocketMQ rocketmq) throws Exception {
        EventSourcing.Result r = EventSourcing.run(rocketmq, UniqueNames.of("AccountEvents"), UniqueNames.of("event-sourcing"));

        Map<String, Account> expected = Map.of("alice", new Account(20, 5), "bob", new Account(100, 2), "carol", new Account(40, 3),
            "dave", new Account(0, 1));
        assertThat(r.live()).isEqualTo(expected);
        assertThat(r.replayed()).isEqualTo(expected);
        assertThat(r.fromSnapshot()).isEqualTo(expected);
        // The snapshot held the state before the last three events (and alice's later withdrawal).
        assertThat(r.snapshot()).isEqualTo(Map.of("alice", new Account(70, 3), "bob", new Account(100, 2), "carol", new Account(100, 2)));
        // The restarted service knew carol's balance from the replay and refused what she does not have.
        assertThat(r.refusals()).containsExactly("withdraw 500 on bob (balance 100)", "withdraw 50 on carol (balance 40)");
    }
}
