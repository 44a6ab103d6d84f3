package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class MessageKeysAndPropertiesGrpcTest {

    @Test
    void keysAndPropertiesSetWithThe5xClientAreReadBackAndTheMessageIsFoundByKey(RocketMQ rocketmq) throws Exception {
        MessageKeysAndPropertiesGrpc.Result result = MessageKeysAndPropertiesGrpc.run(rocketmq,
            UniqueNames.of("MessageKeysAndPropertiesGrpc"), UniqueNames.of("keys-grpc"));

        assertThat(result.received()).isNotNull();
        assertThat(result.received().keys()).containsExactlyInAnyOrder("order-2001", "customer-9");
        assertThat(result.received().properties()).containsEntry("region", "eu").containsEntry("amount", "42.00");

        assertThat(result.foundByKey()).hasSize(1);
        MessageExt found = result.foundByKey().get(0);
        assertThat(new String(found.getBody(), StandardCharsets.UTF_8)).isEqualTo("order order-2001 created");
        assertThat(found.getUserProperty("region")).isEqualTo("eu");
        assertThat(found.getUserProperty("amount")).isEqualTo("42.00");
    }
}
