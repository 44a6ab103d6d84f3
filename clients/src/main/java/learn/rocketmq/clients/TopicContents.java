package learn.rocketmq.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Every message a topic holds, read queue by queue from the first offset to the end, to count what
 * a connector or a stream job wrote (each message once: a message is its queue and queue offset). A new group with
 * {@code CONSUME_FROM_FIRST_OFFSET} starts at each queue's first message; a seek right after
 * {@code assign} could hand over messages from the old position too (see the phase 3 lesson {@code LitePullConsumerAssign}).
 */
public final class TopicContents {

    private TopicContents() {
    }

    /**
     * All messages of {@code topic} stored before the call (acknowledged sends), in queue order, read
     * within 30 s. A send is acknowledged once the commit log holds it; its queue's offset moves a
     * moment later, when the broker's dispatcher has indexed it: so each broker's dispatcher is first
     * waited for ({@code dispatchBehindBytes} 0), then the queues' end offsets are taken.
     */
    public static List<MessageExt> readAll(RocketMQ rocketmq, String topic) throws Exception {
        Map<MessageQueue, Long> ends = new HashMap<>();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // A topic a broker created itself (a %DLQ% or %RETRY% topic) reaches the NameServer a moment later.
            Wait.until(Duration.ofSeconds(10), topic + "'s route", () -> routed(admin, topic));
            var route = admin.api().examineTopicRouteInfo(topic);
            for (var broker : route.getBrokerDatas()) {
                String address = broker.getBrokerAddrs().get(0L);
                if (address != null && !Wait.until(Duration.ofSeconds(10), broker.getBrokerName() + " to index what it stored",
                    () -> dispatched(admin, address, topic))) {
                    throw new IllegalStateException(broker.getBrokerName() + " still indexing its commit log after 10 s: cannot read " + topic + " to its end");
                }
            }
            for (var q : route.getQueueDatas()) {
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

    /**
     * Whether the broker at {@code address} has indexed everything it stored: its
     * {@code dispatchBehindBytes} is 0. A broker started less than about a minute ago cannot answer
     * (5.5.0's runtime stats fail with NoSuchElementException until its first stats sample); then
     * the topic's end offsets unchanged over 100 ms stand in (the dispatcher runs every millisecond).
     */
    private static boolean dispatched(RocketMQAdmin admin, String address, String topic) throws Exception {
        try {
            return "0".equals(admin.api().fetchBrokerRuntimeStats(address).getTable().get("dispatchBehindBytes"));
        } catch (Exception statsNotReady) {
            long before = admin.storedMessages(topic);
            Thread.sleep(100);
            return admin.storedMessages(topic) == before;
        }
    }

    private static boolean routed(RocketMQAdmin admin, String topic) {
        try {
            return !admin.api().examineTopicRouteInfo(topic).getQueueDatas().isEmpty();
        } catch (Exception notYet) {
            return false;
        }
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
