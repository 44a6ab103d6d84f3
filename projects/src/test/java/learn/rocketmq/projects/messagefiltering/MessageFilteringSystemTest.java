package learn.rocketmq.projects.messagefiltering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class MessageFilteringSystemTest {

    @Test
    void eachSubscriberGetsExactlyTheEventsItsTagOrSqlFilterDeclares(RocketMQ rocketmq) throws Exception {
        Map<String, Set<String>> got = MessageFilteringSystem.run(rocketmq, UniqueNames.of("FilteringSystem"),
            UniqueNames.of("filtering-system")).receivedBySubscriber();

        assertThat(got.get("audit-log")).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5", "e6", "e7");
        assertThat(got.get("new-product-alerts")).containsExactlyInAnyOrder("e1", "e6");
        assertThat(got.get("price-watchers")).containsExactlyInAnyOrder("e1", "e2", "e3", "e6");
        assertThat(got.get("bargain-hunters")).containsExactlyInAnyOrder("e1", "e3", "e5");
        assertThat(got.get("eu-warehouse")).containsExactlyInAnyOrder("e4");
    }
}
