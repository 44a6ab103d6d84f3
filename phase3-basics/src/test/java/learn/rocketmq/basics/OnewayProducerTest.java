package learn.rocketmq.basics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OnewayProducerTest {

    @Test
    void oneWaySendReturnsNothing() throws Exception {
        // No SendResult: no id, no queue, no offset, no error from the broker.
        assertThat(DefaultMQProducer.class.getMethod("sendOneway", Message.class).getReturnType()).isEqualTo(void.class);
    }

    @Test
    void yetTheMessagesArriveInTheBroker(RocketMQ rocketmq, RocketMQAdmin admin) throws Exception {
        int count = 50;
        String topic = UniqueNames.of("OnewayProducer");
        OnewayProducer.Result result = OnewayProducer.run(rocketmq, topic, UniqueNames.of("oneway-producer"), count);

        assertThat(result.sent()).isEqualTo(count);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.storedMessages(topic) == count);
        assertThat(result.stored()).isEqualTo(count);
    }
}
