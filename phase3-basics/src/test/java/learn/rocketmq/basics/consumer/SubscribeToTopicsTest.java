package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SubscribeToTopicsTest {

    @Test
    void eachConsumerGetsExactlyWhatItSubscribedTo(RocketMQ rocketmq) throws Exception {
        String group = UniqueNames.of("subscribe");
        SubscribeToTopics.Result result = SubscribeToTopics.run(rocketmq, UniqueNames.of("Subscribe"), group);

        assertThat(result.received().get(group + "-one-topic"))
            .containsExactlyInAnyOrder("Orders:TagA", "Orders:TagB", "Orders:TagC");
        assertThat(result.received().get(group + "-several-topics"))
            .containsExactlyInAnyOrder("Orders:TagA", "Orders:TagB", "Orders:TagC",
                "Payments:TagA", "Payments:TagB", "Payments:TagC");
        assertThat(result.received().get(group + "-expression"))
            .containsExactlyInAnyOrder("Shipments:TagA", "Shipments:TagB");
    }
}
