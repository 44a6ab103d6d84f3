package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OnewayProducerTest {

    @Test
    void theSmallMessagesArriveAndTheOneTheBrokerRefusedIsLostWithoutAWord(RocketMQ rocketmq) throws Exception {
        int count = 50;
        OnewayProducer.Result result = OnewayProducer.run(rocketmq, UniqueNames.of("OnewayProducer"),
            UniqueNames.of("oneway-producer"), count);

        assertThat(result.sent()).isEqualTo(count + 1);
        // No answer from the broker, so no error for the message it refused (a send() would throw).
        assertThat(result.refusalReported()).as("the refused one-way send raised an error").isFalse();
        // Every small one is stored; the refused one, sent first, is not.
        assertThat(result.stored()).isEqualTo(count);
    }
}
