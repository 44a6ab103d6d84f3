package learn.rocketmq.advanced.filtering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class SameGroupDifferentTagsTest {

    @Test
    void twoInstancesOfOneGroupWithDifferentTagsLoseMessages() throws Exception {
        // Its own broker, with short polling: a consumer's offset then skips a filtered-out tail of
        // the queue within ~1 s (with long polling, when the 15 s poll ends), so "all passed" is quick.
        SameGroupDifferentTags.WrongResult result;
        try (EmbeddedRocketMQ broker = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS, Map.of("longPollingEnable", "false"))) {
            result = SameGroupDifferentTags.run(broker.rocketMQ(), UniqueNames.of("SameGroupDifferentTags"),
                UniqueNames.of("same-group-different-tags"), 20);
        }

        // Each instance owns half the queues; the other tag's messages in them are dropped.
        assertThat(result.lost()).isNotEmpty();
        assertThat(result.paidInstanceGot()).allSatisfy(k -> assertThat(k).endsWith("-paid")).hasSizeLessThan(10);
        assertThat(result.shippedInstanceGot()).allSatisfy(k -> assertThat(k).endsWith("-shipped")).hasSizeLessThan(10);
    }
}
