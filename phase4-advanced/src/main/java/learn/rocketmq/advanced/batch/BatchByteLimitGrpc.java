package learn.rocketmq.advanced.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * What else limits a 5.x batch besides the 32 messages of {@link BatchConsumptionGrpc}: bytes.
 * For one receive the broker reads at most {@code maxTransferBytesOnMessageInMemory} (256 KiB by
 * default) from each queue, so {@code receive(32, ...)} of 64 KiB messages gets 3 from a one-queue
 * topic. One receive collects from all of a broker's queues, so a topic with more queues gives
 * more per call. The lesson reads the limit from the broker's configuration and counts what each
 * receive returns.
 * Roadmap: 4.4 Batch Operations: Batch consumption.
 *
 * <p>Run it: {@code ./lesson BatchByteLimitGrpc}.
 */
public class BatchByteLimitGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        BigMessages big = run(rocketmq, "LessonBatchByteLimitGrpc", "lesson-batch-byte-limit-grpc", 12, 64 * 1024);
        System.out.printf("Done: %d messages of %d KiB came %s per receive.%n", big.sizes().stream().mapToInt(Integer::intValue).sum(),
            big.bodyBytes() / 1024, big.sizes());
    }

    /** The broker's byte limit per queue read, the body size, and how many messages each receive returned. */
    public record BigMessages(long maxTransferBytesOnMessageInMemory, int bodyBytes, List<Integer> sizes) {
    }

    /** Sends {@code count} messages of {@code bodyBytes} to a one-queue topic and receives them with {@code receive(32, ...)}. */
    public static BigMessages run(RocketMQ rocketmq, String topic, String group, int count, int bodyBytes) throws Exception {
        rocketmq.requireProxy();
        long maxTransferBytes;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group, false);
            // 1. The broker's limit, from its configuration (mqadmin getBrokerConfig).
            BrokerData broker = admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values().iterator().next();
            Properties config = admin.api().getBrokerConfig(broker.getBrokerAddrs().get(MixAll.MASTER_ID));
            maxTransferBytes = Long.parseLong(config.getProperty("maxTransferBytesOnMessageInMemory"));
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        SimpleConsumerBatches.send(rocketmq, provider, topic, count, new byte[bodyBytes]);
        System.out.printf("Sent %d messages of %d KiB to %s (1 queue); the broker reads at most %d KiB per queue per receive.%n",
            count, bodyBytes / 1024, topic, maxTransferBytes / 1024);

        // 2. Ask for 32 each time; count what comes.
        List<Integer> sizes = new ArrayList<>();
        try (SimpleConsumer consumer = SimpleConsumerBatches.simpleConsumer(rocketmq, provider, topic, group)) {
            Wait.until(Duration.ofSeconds(30), "all " + count + " messages", () -> {
                List<MessageView> batch = consumer.receive(32, Duration.ofSeconds(30)); // 32: the most a receive returns
                for (MessageView view : batch) {
                    consumer.ack(view);
                }
                if (!batch.isEmpty()) {
                    sizes.add(batch.size());
                    System.out.printf("receive(32, 30 s) -> %d messages (%d KiB), each acked%n", batch.size(),
                        batch.size() * bodyBytes / 1024);
                }
                return sizes.stream().mapToInt(Integer::intValue).sum() >= count;
            });
        }
        return new BigMessages(maxTransferBytes, bodyBytes, sizes);
    }
}
