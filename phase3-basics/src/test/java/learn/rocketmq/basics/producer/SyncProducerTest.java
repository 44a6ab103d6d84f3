package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SyncProducerTest {

    @Test
    void everySendReturnsSendOkAndTheMessageIsStoredWhenSendReturns(RocketMQ rocketmq) throws Exception {
        int count = 8;
        SyncProducer.Result result = SyncProducer.run(rocketmq, UniqueNames.of("SyncProducer"),
            UniqueNames.of("sync-producer"), count);

        assertThat(result.sent()).hasSize(count).allSatisfy(r -> {
            assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            assertThat(r.getMsgId()).isNotBlank();
        });
        assertThat(result.sent()).extracting(SendResult::getMsgId).doesNotHaveDuplicates();
        // Round robin over 4 queues, each queue's offsets 0, 1, ...
        Map<Integer, java.util.List<Long>> offsetsByQueue = result.sent().stream().collect(Collectors.groupingBy(
            r -> r.getMessageQueue().getQueueId(), Collectors.mapping(SendResult::getQueueOffset, Collectors.toList())));
        assertThat(offsetsByQueue).containsOnlyKeys(0, 1, 2, 3);
        offsetsByQueue.values().forEach(offsets -> assertThat(offsets).containsExactly(0L, 1L));
        // Stored by the time send() returned: no waiting needed.
        assertThat(result.stored()).isEqualTo(count);
    }
}
