package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class TagFilterTest {

    @Test
    void aConsumerSubscribedToSomeTagsReceivesThoseAndOnlyThose(RocketMQ rocketmq) throws Exception {
        TagFilter.Result result = TagFilter.run(rocketmq, UniqueNames.of("TagFilter"), UniqueNames.of("tag-filter"),
            "Paid || Shipped");

        assertThat(result.sentKeys()).hasSize(8);
        // Created and Cancelled were sent first in each round, yet never delivered.
        assertThat(result.receivedKeys()).containsExactlyInAnyOrder("Paid-1", "Shipped-1", "Paid-2", "Shipped-2");
        assertThat(result.receivedTags()).containsExactlyInAnyOrder("Paid", "Shipped");
    }
}
