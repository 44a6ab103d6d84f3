package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SendAndReceiveTest {

    @Test
    void everyMessageArrivesWithBodyKeyTagAndProperties(RocketMQ rocketmq) throws Exception {
        int count = 20;
        SendAndReceive.Result result = SendAndReceive.run(rocketmq, UniqueNames.of("SendAndReceive"),
            UniqueNames.of("send-and-receive"), count);

        assertThat(result.sent()).hasSize(count).allSatisfy(r -> assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK));
        assertThat(result.received()).hasSize(count);
        for (int i = 1; i <= count; i++) {
            MessageExt m = result.received().get("order-" + i);
            assertThat(m).as("order-%d received", i).isNotNull();
            assertThat(new String(m.getBody(), StandardCharsets.UTF_8)).isEqualTo("Hello RocketMQ #" + i);
            assertThat(m.getKeys()).isEqualTo("order-" + i);
            assertThat(m.getTags()).isEqualTo("TagA");
            assertThat(m.getUserProperty("seq")).isEqualTo(String.valueOf(i));
            assertThat(m.getUserProperty("source")).isEqualTo("SendAndReceive");
        }
        // The messages spread over the topic's 4 queues (round robin by default).
        assertThat(result.sent()).extracting(r -> r.getMessageQueue().getQueueId()).containsOnly(0, 1, 2, 3);
    }
}
