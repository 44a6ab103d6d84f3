package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SendAndReceiveGrpcTest {

    @Test
    void everyMessageArrivesThroughTheProxyWithBodyKeyTagAndProperties(RocketMQ rocketmq) throws Exception {
        int count = 20;
        SendAndReceiveGrpc.Result result = SendAndReceiveGrpc.run(rocketmq, UniqueNames.of("SendAndReceiveGrpc"),
            UniqueNames.of("send-and-receive-grpc"), count);

        assertThat(result.sent()).hasSize(count).allSatisfy(r -> assertThat(r.getMessageId()).isNotNull());
        assertThat(result.received()).hasSize(count);
        for (int i = 1; i <= count; i++) {
            SendAndReceiveGrpc.Received m = result.received().get("order-" + i);
            assertThat(m).as("order-%d received", i).isNotNull();
            assertThat(m.body()).isEqualTo("Hello RocketMQ #" + i);
            assertThat(m.key()).isEqualTo("order-" + i);
            assertThat(m.tag()).isEqualTo("TagA");
            assertThat(m.properties()).containsEntry("seq", String.valueOf(i)).containsEntry("source", "SendAndReceiveGrpc");
        }
    }
}
