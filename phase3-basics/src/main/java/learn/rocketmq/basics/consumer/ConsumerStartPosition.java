package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.ConsumerQueues;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.Wait;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;

/**
 * Where a new consumer group starts reading. {@code setConsumeFromWhere(...)} applies only to a
 * group with no committed offset for a queue; afterwards the group always continues where it
 * committed.
 * Roadmap: 3.2 Consumer Basics: Message consumption patterns.
 *
 * <ul>
 *   <li>{@code CONSUME_FROM_FIRST_OFFSET}: from the oldest message the broker still keeps.</li>
 *   <li>{@code CONSUME_FROM_LAST_OFFSET} (the default): from the end, skipping the history.</li>
 *   <li>{@code CONSUME_FROM_TIMESTAMP} with {@code setConsumeTimestamp("yyyyMMddHHmmss")}: from the
 *   first message stored at or after that time (default: half an hour ago).</li>
 * </ul>
 * <b>The catch:</b> before the client looks at its setting, it asks the broker for the group's
 * offset, and for a group without one the broker answers 0 when the queue still begins at offset 0
 * and that message is still in memory: a young topic. Then LAST_OFFSET and TIMESTAMP read the whole
 * history too, as this lesson shows. To really start a new group at the end, give it offsets
 * before it starts: {@code mqadmin resetOffsetByTime}, or the admin API's
 * {@code updateConsumeOffset} to each queue's max offset, as done here.
 * Run it: {@code ./lesson ConsumerStartPosition}.
 */
public class ConsumerStartPosition {

    /** The fourth group: LAST_OFFSET, with its offsets set to the queues' ends before it starts. */
    public static final String PRESET_TO_END = "offsets set to the end up front";

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonConsumerStartPosition", "lesson-consumer-start-position", 5);
        System.out.printf("Done: %d groups compared.%n", result.received().size());
    }

    /**
     * For each way of starting, the keys its new group received ("old-*" were sent before the
     * groups existed, "new-*" after), and the consume timestamp used (between the two).
     */
    public record Result(Map<String, Set<String>> received, String timestamp) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String groupPrefix, int count)
        throws Exception {
        Map<String, Set<String>> received = new LinkedHashMap<>();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        String timestamp;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            DefaultMQProducer producer = new DefaultMQProducer(groupPrefix + "-producer");
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.start();
            try {
                // 1. Messages sent before the groups exist; the consume timestamp is the next whole
                //    second after them (its resolution is one second).
                send(producer, topic, "old-", count);
                long now = (System.currentTimeMillis() / 1000 + 1) * 1000;
                timestamp = new SimpleDateFormat("yyyyMMddHHmmss").format(new Date(now));

                // 2. Four new groups.
                for (String way : List.of(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET.name(),
                    ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET.name(), ConsumeFromWhere.CONSUME_FROM_TIMESTAMP.name(),
                    PRESET_TO_END)) {
                    String group = groupPrefix + "-" + consumers.size();
                    Set<String> keys = ConcurrentHashMap.newKeySet();
                    received.put(way, keys);
                    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
                    Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
                    if (way.equals(PRESET_TO_END)) {
                        // The reliable way: the group has committed offsets (each queue's end)
                        // before its first consumer starts, so the setting is never consulted.
                        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
                        admin.createConsumerGroup(group); // the broker keeps offsets only for a known group
                        commitOffsetsAtTheEnd(admin, topic, group);
                    } else {
                        consumer.setConsumeFromWhere(ConsumeFromWhere.valueOf(way));
                        consumer.setConsumeTimestamp(timestamp); // used by CONSUME_FROM_TIMESTAMP only
                    }
                    consumer.subscribe(topic, "*");
                    consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                        for (MessageExt m : messages) {
                            keys.add(m.getKeys());
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
                    consumer.start();
                    consumers.add(consumer);
                }
                // 3. Wait (bounded) until each group owns the 4 queues and has decided where to start.
                Wait.until(Duration.ofSeconds(20), "each group to own the 4 queues",
                    () -> consumers.stream().allMatch(c -> ownedQueues(c, topic) == 4));
                // 4. Messages sent after the groups exist, and after the consume timestamp.
                Thread.sleep(Math.max(0, now - System.currentTimeMillis() + 10));
                send(producer, topic, "new-", count);
                Wait.until(Duration.ofSeconds(20), "every group to receive the new messages", () -> received.values().stream()
                    .allMatch(k -> k.stream().filter(s -> s.startsWith("new-")).count() == count));
            } finally {
                producer.shutdown();
                consumers.forEach(DefaultMQPushConsumer::shutdown);
            }
        }
        received.forEach((way, keys) -> System.out.printf("%-32s received %d old and %d new messages%n", way,
            keys.stream().filter(k -> k.startsWith("old-")).count(), keys.stream().filter(k -> k.startsWith("new-")).count()));
        if (received.get(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET.name()).stream().anyMatch(k -> k.startsWith("old-"))) {
            System.out.println("LAST_OFFSET and TIMESTAMP read the history too: the queues are young, so the broker started"
                + " these groups at offset 0. Only the group given offsets up front skipped it.");
        }
        return new Result(received, timestamp);
    }

    /** Commits, for {@code group}, each queue's max offset (the next message to be written). */
    private static void commitOffsetsAtTheEnd(RocketMQAdmin admin, String topic, String group) throws Exception {
        Map<MessageQueue, TopicOffset> offsets = admin.api().examineTopicStats(topic).getOffsetTable();
        for (Map.Entry<MessageQueue, TopicOffset> e : offsets.entrySet()) {
            String broker = admin.api().examineTopicRouteInfo(topic).getBrokerDatas().stream()
                .filter(b -> b.getBrokerName().equals(e.getKey().getBrokerName())).findFirst().orElseThrow()
                .getBrokerAddrs().get(MixAll.MASTER_ID);
            admin.api().updateConsumeOffset(broker, group, e.getKey(), e.getValue().getMaxOffset());
        }
    }

    /** How many queues of the topic the consumer holds right now (its share after the group's rebalance). */
    private static long ownedQueues(DefaultMQPushConsumer consumer, String topic) {
        return ConsumerQueues.owned(consumer, topic).size();
    }

    private static void send(DefaultMQProducer producer, String topic, String prefix, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            producer.send(new Message(topic, "TagA", prefix + i, (prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        System.out.printf("Sent %s1..%s%d.%n", prefix, prefix, count);
    }
}
