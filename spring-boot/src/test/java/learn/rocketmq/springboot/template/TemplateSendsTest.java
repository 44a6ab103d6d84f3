package learn.rocketmq.springboot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.springboot.template.OrderEventListeners.Received;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The lesson's application started by Spring's test support against the stack's RocketMQ. */
@SpringBootTest(classes = TemplateSends.class)
@DirtiesContext // its consumers stop with the class, not at the end of the JVM
class TemplateSendsTest {

    @DynamicPropertySource
    static void rocketmq(DynamicPropertyRegistry registry) {
        RocketMQ rocketmq = RocketMQExtension.shared();
        TemplateSends.createTopics(rocketmq);
        RocketMQBoot.properties(rocketmq).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    TemplateSends lesson;

    @Test
    void everySendArrivesOnceOrderedOnesShareAQueueAndTheDelayedOneIsHeldBack() throws Exception {
        TemplateSends.Result result = lesson.sendAll(UniqueNames.of("run"));

        Map<String, Received> received = result.received();
        assertThat(received).containsOnlyKeys("sync-1", "async-1", "oneway-1", "batch-1", "batch-2", "batch-3",
            "order-42-created", "order-42-paid", "order-42-shipped", "reminder-1");
        assertThat(received.get("order-42-paid").event().kind()).as("the JSON body decoded into the record").isEqualTo("paid");
        assertThat(result.queueOfOrdered().values()).as("queues of one hash key").hasSize(3).containsOnly(
            result.queueOfOrdered().get("order-42-created"));

        long delay = received.get("reminder-1").receivedAt() - received.get("reminder-1").event().sentAt();
        // The test broker's timer slots are 100 ms (fast-tests.conf): it may fire up to one slot early.
        assertThat(delay).as("ms from send to receipt of the delayed event").isGreaterThanOrEqualTo(TemplateSends.DELAY_SECONDS * 1000L - 100);
        assertThat(received.values()).filteredOn(r -> !r.event().id().equals("reminder-1"))
            .allSatisfy(r -> assertThat(r.receivedAt()).isLessThan(received.get("reminder-1").receivedAt()));
    }
}
