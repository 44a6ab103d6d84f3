package learn.rocketmq.internals.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Every message a topic holds, read queue by queue from the first offset to the end, to count what
 * a connector sent (each message once: a message is its queue and queue offset). A new group with
 * {@code CONSUME_FROM_FIRST_OFFSET} starts at each queue's first message; a seek right after
 * {@code assign} could hand over messages from the old position too (see {@code LitePullConsumerAssign}).
 */
public final class TopicContents {

    private TopicContents() {
    }

    /** All messages of {@code topic}'s queues up to the end each had when called, in queue order, read within 30 s. */
    public static List<MessageExt> readAll(RocketMQ rocketmq, String topic) throws Exception {
        Map<MessageQueue, Long> ends = new HashMap<>();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            for (var q : admin.api().examineTopicRouteInfo(topic).getQueueDatas()) {
                for (int id = 0; id < q.getReadQueueNums(); id++) {
                    MessageQueue queue = new MessageQueue(topic, q.getBrokerName(), id);
                    ends.put(queue, admin.api().maxOffset(queue));
                }
            }
        }
        Map<MessageQueue, TreeMap<Long, MessageExt>> read = new HashMap<>();
        ends.keySet().forEach(q -> read.put(q, new TreeMap<>()));
        DefaultLitePullConsumer reader = Clients.configure(new DefaultLitePullConsumer(UniqueNames.of("topic-reader")), rocketmq);
        reader.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        reader.setAutoCommit(false);
        reader.assign(ends.keySet());
        reader.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ends.entrySet().stream().anyMatch(e -> read.get(e.getKey()).size() < e.getValue()) && System.nanoTime() < deadline) {
                for (MessageExt m : reader.poll(500)) {
                    MessageQueue q = new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId());
                    if (m.getQueueOffset() < ends.get(q)) {
                        read.get(q).put(m.getQueueOffset(), m);
                    }
                }
            }
        } finally {
            reader.shutdown();
        }
        List<MessageExt> messages = new ArrayList<>();
        for (var e : ends.entrySet()) {
            if (read.get(e.getKey()).size() < e.getValue()) {
                throw new IllegalStateException("read " + read.get(e.getKey()).size() + " of the " + e.getValue() + " messages of " + e.getKey()
                    + " in 30 s");
            }
            messages.addAll(read.get(e.getKey()).values());
        }
        return messages;
    }

    /** How many times each message key occurs in {@code topic}. */
    public static Map<String, Integer> keyCounts(RocketMQ rocketmq, String topic) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (MessageExt m : readAll(rocketmq, topic)) {
            counts.merge(m.getKeys(), 1, Integer::sum);
        }
        return counts;
    }
}
