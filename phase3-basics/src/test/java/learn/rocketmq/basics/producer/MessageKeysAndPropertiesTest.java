package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class MessageKeysAndPropertiesTest {

    @Test
    void aMessageIsFoundAgainByEachOfItsKeysWithItsProperties(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("MessageKeysAndProperties");
        MessageKeysAndProperties.Result result = MessageKeysAndProperties.run(rocketmq, topic, UniqueNames.of("keys"));

        assertThat(result.sent()).hasSize(3).allSatisfy(r -> assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK));

        List<MessageExt> byOrder = result.found().get("order-1002");
        assertThat(byOrder).hasSize(1);
        MessageExt order = byOrder.get(0);
        assertThat(order.getTopic()).isEqualTo(topic);
        assertThat(order.getMsgId()).isEqualTo(result.sent().get(1).getMsgId());
        assertThat(new String(order.getBody(), StandardCharsets.UTF_8)).isEqualTo("order order-1002 created");
        assertThat(order.getKeys().split(" ")).containsExactly("order-1002", "customer-7");
        assertThat(order.getUserProperty("region")).isEqualTo("us");
        assertThat(order.getUserProperty("amount")).isEqualTo("5.00");

        // The second key is indexed too: customer-7 finds both of its orders, not customer-8's.
        assertThat(result.found().get("customer-7"))
            .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
            .containsExactlyInAnyOrder("order order-1001 created", "order order-1002 created");
    }
}
