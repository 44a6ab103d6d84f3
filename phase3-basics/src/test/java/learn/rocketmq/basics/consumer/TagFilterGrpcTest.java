package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class TagFilterGrpcTest {

    @Test
    void aGrpcConsumerSubscribedToSomeTagsReceivesThoseAndOnlyThose(RocketMQ rocketmq) throws Exception {
        TagFilterGrpc.Result result = TagFilterGrpc.run(rocketmq, UniqueNames.of("TagFilterGrpc"),
            UniqueNames.of("tag-filter-grpc"), "Paid || Shipped");

        assertThat(result.sentKeys()).hasSize(8);
        assertThat(result.receivedKeys()).containsExactlyInAnyOrder("Paid-1", "Shipped-1", "Paid-2", "Shipped-2");
        assertThat(result.receivedTags()).containsExactlyInAnyOrder("Paid", "Shipped");
    }
}
