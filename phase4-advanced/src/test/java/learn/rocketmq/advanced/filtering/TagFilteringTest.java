package learn.rocketmq.advanced.filtering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class TagFilteringTest {

    private static Set<String> keysTagged(String... tags) {
        return TagFiltering.MESSAGES.entrySet().stream().filter(e -> List.of(tags).contains(e.getValue()))
            .map(e -> e.getKey()).collect(Collectors.toSet());
    }

    @Test
    void eachGroupGetsExactlyTheTagsItSubscribedTo(RocketMQ rocketmq) throws Exception {
        TagFiltering.Result result = TagFiltering.run(rocketmq, UniqueNames.of("TagFiltering"), UniqueNames.of("tag-filtering"));

        assertThat(result.receivedByExpression().get("*")).containsExactlyInAnyOrderElementsOf(TagFiltering.MESSAGES.keySet());
        assertThat(result.receivedByExpression().get("paid")).containsExactlyInAnyOrderElementsOf(keysTagged("paid"));
        assertThat(result.receivedByExpression().get("created || paid"))
            .containsExactlyInAnyOrderElementsOf(keysTagged("created", "paid"));
        assertThat(result.receivedByExpression().get("refunded")).isEmpty();
    }

    @Test
    void twoInstancesOfOneGroupWithDifferentTagsLoseMessages() throws Exception {
        // Its own broker, with short polling: a consumer's offset then skips a filtered-out tail of
        // the queue within ~1 s (with long polling, when the 15 s poll ends), so "all passed" is quick.
        TagFiltering.WrongResult result;
        try (EmbeddedRocketMQ broker = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS, Map.of("longPollingEnable", "false"))) {
            result = TagFiltering.sameGroupDifferentTags(broker.rocketMQ(), UniqueNames.of("TagFilteringWrong"),
                UniqueNames.of("tag-filtering-wrong"), 20);
        }

        // Each instance owns half the queues; the other tag's messages in them are dropped.
        assertThat(result.lost()).isNotEmpty();
        assertThat(result.paidInstanceGot()).allSatisfy(k -> assertThat(k).endsWith("-paid")).hasSizeLessThan(10);
        assertThat(result.shippedInstanceGot()).allSatisfy(k -> assertThat(k).endsWith("-shipped")).hasSizeLessThan(10);
    }
}
