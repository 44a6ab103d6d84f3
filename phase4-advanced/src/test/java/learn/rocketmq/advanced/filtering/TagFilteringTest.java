package learn.rocketmq.advanced.filtering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
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
}
