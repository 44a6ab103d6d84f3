package learn.rocketmq.springboot.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.springboot.transaction.TransactionalSend.Outcome;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = TransactionalSend.class)
@DirtiesContext
class TransactionalSendTest {

    @DynamicPropertySource
    static void rocketmq(DynamicPropertyRegistry registry) {
        RocketMQ rocketmq = RocketMQExtension.shared();
        TransactionalSend.createTopic(rocketmq);
        RocketMQBoot.properties(rocketmq).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    TransactionalSend lesson;

    @Test
    void theMessageFollowsTheDatabaseAndTheCheckBackCommitsWhatTheDatabaseCommitted() throws Exception {
        String run = UniqueNames.of("run");
        // The test broker checks back after 1 s, every 1 s (fast-tests.conf).
        Map<String, Outcome> outcomes = lesson.placeOrders(run, Duration.ofSeconds(30));

        assertThat(outcomes).containsEntry(run + "-ok", new Outcome("COMMIT_MESSAGE", true, true))
            .containsEntry(run + "-invalid", new Outcome("ROLLBACK_MESSAGE", false, false))
            .containsEntry(run + "-unanswered", new Outcome("UNKNOW", true, true));
    }
}
