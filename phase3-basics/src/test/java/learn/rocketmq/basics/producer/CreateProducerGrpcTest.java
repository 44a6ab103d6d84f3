package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CreateProducerGrpcTest {

    @Test
    void theProducerIsConfiguredBuiltSendsAndIsClosed(RocketMQ rocketmq) throws Exception {
        CreateProducerGrpc.Result result = CreateProducerGrpc.run(rocketmq, UniqueNames.of("CreateProducerGrpc"));

        assertThat(result.configuration().getEndpoints()).isEqualTo(rocketmq.proxy());
        assertThat(result.configuration().isSslEnabled()).isTrue(); // and the send below went over TLS
        assertThat(result.configuration().getRequestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(result.sent().getMessageId()).isNotNull();
        assertThat(result.sent().getMessageId().toString()).isNotBlank();
        // After close() the producer refuses to send.
        assertThat(result.afterClose()).isNotNull();
    }
}
