package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real failures from a real broker, explained in one line. */
@ExtendWith(RocketMQExtension.class)
class HintsTest {

    @Test
    void aMissingTopicGetsAHintOnCreatingItTyped(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("NoSuchTopic");
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("hints"));
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.setRetryTimesWhenSendFailed(0);
        producer.start();
        try {
            Throwable e = catchThrowable(() -> producer.send(new Message(topic, "x".getBytes(StandardCharsets.UTF_8))));
            String hint = Hints.explain(e);
            assertThat(hint).doesNotContain("\n")
                .contains("Topic " + topic + " does not exist")
                .contains("+message.type=NORMAL")
                .contains("createTopic");
        } finally {
            producer.shutdown();
        }
    }

    @Test
    void anUnreachableBrokerGetsAHintOnStartingOne() throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("hints"));
        producer.setNamesrvAddr("127.0.0.1:1");
        producer.setSendMsgTimeout(1000);
        producer.setRetryTimesWhenSendFailed(0);
        producer.start();
        try {
            Throwable e = catchThrowable(() -> producer.send(new Message("AnyTopic", "x".getBytes(StandardCharsets.UTF_8))));
            assertThat(Hints.explain(e)).doesNotContain("\n").contains("./rocketmq up");
        } finally {
            producer.shutdown();
        }
    }
}
