package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumeType;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CreateConsumerTest {

    @Test
    void theConsumerIsConfiguredJoinsItsGroupReceivesAndLeavesOnShutdown(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("CreateConsumer");
        CreateConsumer.Result result = CreateConsumer.run(rocketmq, topic, UniqueNames.of("create-consumer"),
            rocketmq.profile().clientRouteRefreshMillis());

        assertThat(result.consumer().getConsumeThreadMin()).isEqualTo(8);
        assertThat(result.consumer().getPullBatchSize()).isEqualTo(16);
        assertThat(result.consumer().getMaxReconsumeTimes()).isEqualTo(3);
        assertThat(result.consumer().getConsumeTimeout()).isEqualTo(5);

        assertThat(result.stateAfterStart()).isEqualTo(ServiceState.RUNNING);
        // What the broker learned from the consumer's heartbeat: one member, its settings, its subscription.
        assertThat(result.seenByBroker().getConnectionSet()).hasSize(1);
        assertThat(result.seenByBroker().getSubscriptionTable()).containsKey(topic);
        assertThat(result.seenByBroker().getConsumeType()).isEqualTo(ConsumeType.CONSUME_PASSIVELY); // push
        assertThat(result.seenByBroker().getMessageModel()).isEqualTo(MessageModel.CLUSTERING);
        assertThat(result.seenByBroker().getConsumeFromWhere()).isEqualTo(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        assertThat(result.received()).isEqualTo("hello-consumer");

        assertThat(result.stateAfterShutdown()).isEqualTo(ServiceState.SHUTDOWN_ALREADY);
        assertThat(result.onlineAfterShutdown()).isFalse();
    }
}
