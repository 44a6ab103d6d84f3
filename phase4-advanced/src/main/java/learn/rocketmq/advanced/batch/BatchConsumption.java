package learn.rocketmq.advanced.batch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * Batch consumption: the listener gets a <em>list</em> of messages, so it can do one database
 * write (one insert of many rows) for many messages. Three numbers decide how long that list is:
 * <ul>
 *   <li>{@code pullBatchSize} (client, default 32): how many messages one pull asks the broker for;</li>
 *   <li>the broker's caps per pull: {@code maxTransferCountOnMessageInMemory} (32) and
 *   {@code maxTransferBytesOnMessageInMemory} (256 KiB); from disk 8 messages / 64 KiB;</li>
 *   <li>{@code consumeMessageBatchMaxSize} (client, default 1): how many of a pull's messages go
 *   to one listener call.</li>
 * </ul>
 * So a listener call gets at most min(consumeMessageBatchMaxSize, pullBatchSize, broker cap).
 * The trade-off: the status applies to the whole list: one bad message makes the whole batch
 * RECONSUME_LATER (all retried), so batch only work that succeeds or fails together.
 * With the classic client (the 5.x SimpleConsumer's {@code receive(maxMessageNum, ...)} is its batch).
 * Roadmap: 4.4 Batch Operations: Batch consumption.
 * Run it: {@code ./lesson BatchConsumption}. With the 5.x client: {@link BatchConsumptionGrpc}.
 */
public class BatchConsumption {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        List<Run> runs = run(rocketmq, "LessonBatchConsumption", "lesson-batch-consumption", 200);
        runs.forEach(r -> System.out.println(r));
    }

    /** One consumer configuration and what its listener got: the size of every call's list. */
    public record Run(int consumeMessageBatchMaxSize, int pullBatchSize, int brokerCap, List<Integer> listSizes) {
        public int largest() {
            return listSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    public static List<Run> run(RocketMQ rocketmq, String topic, String groupPrefix, int count) throws Exception {
        int brokerCap;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            BrokerData broker = admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values().iterator().next();
            Properties config = admin.api().getBrokerConfig(broker.getBrokerAddrs().get(MixAll.MASTER_ID));
            brokerCap = Integer.parseInt(config.getProperty("maxTransferCountOnMessageInMemory"));
            System.out.printf("Broker caps per pull: %s messages, %s bytes (in memory).%n", brokerCap,
                config.getProperty("maxTransferBytesOnMessageInMemory"));
        }
        // The messages are there before any consumer starts: every pull can be full.
        DefaultMQProducer producer = new DefaultMQProducer(groupPrefix + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            for (int i = 1; i <= count; i++) {
                producer.send(new Message(topic, "TagA", "m-" + i, ("small message " + i).getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            producer.shutdown();
        }
        List<Run> runs = new ArrayList<>();
        int[][] configurations = {{1, 32}, {10, 32}, {100, 16}, {100, 100}};
        for (int i = 0; i < configurations.length; i++) {
            int consumeBatch = configurations[i][0];
            int pullBatch = configurations[i][1];
            List<Integer> sizes = consume(rocketmq, topic, groupPrefix + "-" + i, count, consumeBatch, pullBatch);
            Run r = new Run(consumeBatch, pullBatch, brokerCap, sizes);
            System.out.printf("consumeMessageBatchMaxSize=%3d pullBatchSize=%3d -> %3d listener calls, largest list %d%n",
                consumeBatch, pullBatch, sizes.size(), r.largest());
            runs.add(r);
        }
        return runs;
    }

    private static List<Integer> consume(RocketMQ rocketmq, String topic, String group, int count, int consumeBatch,
                                         int pullBatch) throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setInstanceName(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(consumeBatch);
        consumer.setPullBatchSize(pullBatch);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            sizes.add(messages.size()); // e.g. one INSERT ... VALUES (...), (...), ... for the whole list
            if (seen.addAndGet(messages.size()) >= count) {
                all.countDown();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            if (!all.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d messages were consumed within 30 s (group %s).%n", seen.get(), count, group);
            }
        } finally {
            consumer.shutdown();
        }
        return sizes;
    }
}
