package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.ServiceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CreateProducerTest {

    @Test
    void theSettingsTakeEffectAndTheProducerStartsSendsAndShutsDown(RocketMQ rocketmq) throws Exception {
        String group = UniqueNames.of("create-producer");
        CreateProducer.Result result = CreateProducer.run(rocketmq, UniqueNames.of("CreateProducer"), group);

        assertThat(result.group()).isEqualTo(group);
        assertThat(result.nameServer()).isEqualTo(rocketmq.nameServer());
        assertThat(result.sendTimeoutMillis()).isEqualTo(5_000);
        assertThat(result.retriesWhenSendFailed()).isEqualTo(3);
        assertThat(result.retriesWhenSendAsyncFailed()).isEqualTo(3);
        assertThat(result.maxMessageSize()).isEqualTo(64 * 1024);

        assertThat(result.stateAfterStart()).isEqualTo(ServiceState.RUNNING);
        assertThat(result.sent().getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        // The max message size is enforced by the producer: 100 KiB > 64 KiB.
        assertThat(result.tooLarge()).isNotNull();
        assertThat(Hints.explain(result.tooLarge())).startsWith("The message is too large").contains("MAX: 65536");

        assertThat(result.stateAfterShutdown()).isEqualTo(ServiceState.SHUTDOWN_ALREADY);
        assertThat(result.afterShutdown()).isNotNull().hasMessageContaining("SHUTDOWN_ALREADY");
    }
}
