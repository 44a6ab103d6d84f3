package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The 5.x client on a topic nobody created: the learner gets told how to create it, typed. */
@ExtendWith(RocketMQExtension.class)
class MissingTopicHintTest {

    @Test
    void aGrpcProducerOnAMissingTopicGetsAHintOnCreatingItTyped(RocketMQ rocketmq) {
        String topic = UniqueNames.of("NoSuchTopic");
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = ClientConfiguration.newBuilder()
            .setEndpoints(rocketmq.proxy()).setRequestTimeout(Duration.ofSeconds(3)).build();

        Throwable e = catchThrowable(() -> provider.newProducerBuilder()
            .setClientConfiguration(configuration).setTopics(topic).build().close());

        assertThat(e).isNotNull();
        assertThat(Hints.explain(e)).doesNotContain("\n")
            .contains("Topic " + topic + " does not exist")
            .contains("+message.type=NORMAL");
    }
}
