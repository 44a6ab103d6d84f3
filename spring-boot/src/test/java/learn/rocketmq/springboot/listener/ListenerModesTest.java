package learn.rocketmq.springboot.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = ListenerModes.class)
@DirtiesContext
class ListenerModesTest {

    @DynamicPropertySource
    static void rocketmq(DynamicPropertyRegistry registry) {
        RocketMQ rocketmq = RocketMQExtension.shared();
        ListenerModes.createTopic(rocketmq);
        RocketMQBoot.properties(rocketmq).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    ListenerModes lesson;

    @Test
    void eachSelectorLetsThroughExactlyItsEventsAndTheOrderlyListenerSeesEachOrderInOrder() throws Exception {
        OrderListeners.Seen seen = lesson.sendAndReceive(UniqueNames.of("run"));

        assertThat(seen.paidOrShipped()).containsExactlyInAnyOrder("o-1/paid", "o-1/shipped", "o-2/paid", "o-2/shipped",
            "o-3/paid", "o-3/shipped", "o-4/paid", "o-4/shipped");
        assertThat(seen.bigOrders()).containsExactlyInAnyOrder("o-2/created", "o-2/paid", "o-2/shipped",
            "o-4/created", "o-4/paid", "o-4/shipped");
        assertThat(seen.stepsInOrder()).containsOnlyKeys("o-1", "o-2", "o-3", "o-4")
            .allSatisfy((order, steps) -> assertThat(steps).as(order).isEqualTo(List.of("created", "paid", "shipped")));
    }
}
