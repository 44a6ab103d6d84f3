package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CreateConsumerGrpcTest {

    @Test
    void bothConsumersAreBuiltWithTheirSettingsAndThePushConsumerReceives(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("CreateConsumerGrpc");
        String group = UniqueNames.of("create-consumer-grpc");
        CreateConsumerGrpc.Result result = CreateConsumerGrpc.run(rocketmq, topic, group);

        assertThat(result.pushGroup()).isEqualTo(group + "-push");
        assertThat(result.pushReceived()).isEqualTo("hello-push");
        assertThat(result.simpleGroup()).isEqualTo(group + "-simple");
        assertThat(result.simpleSubscriptions()).containsOnlyKeys(topic);
        assertThat(result.afterChange()).containsOnlyKeys(topic + "-other");
        assertThat(result.afterChange().get(topic + "-other").getExpression()).isEqualTo("TagB || TagC");
        assertThat(result.afterChange().get(topic + "-other").getFilterExpressionType()).isEqualTo(FilterExpressionType.TAG);
    }
}
