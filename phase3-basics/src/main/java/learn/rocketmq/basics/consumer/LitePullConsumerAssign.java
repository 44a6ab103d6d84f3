package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The lite pull consumer in assign mode: no group rebalancing; you pick the queues
 * ({@code assign}), where to read in each ({@code seek}, {@code seekToBegin}, {@code seekToEnd},
 * {@code offsetForTimestamp}) and which offsets to commit ({@code commitSync(offsets, persist)}).
 * Roadmap: 3.2 Consumer Basics: Pull consumer (polling).
 *
 * <p>For tools and stream processors that track positions themselves (replay a queue, read one
 * partition per worker, store offsets with the results in one database transaction). An offset
 * is a message's position in its queue; the committed offset is the next one to read.
 * Run it: {@code ./lesson LitePullConsumerAssign}. Subscribe mode: {@link LitePullConsumerSubscribe}.
 */
public class LitePullConsumerAssign {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonLitePullAssign", "lesson-lite-pull-assign", 12);
        System.out.printf("Done: read %s, committed %s.%n", result.polled(), result.committed());
    }

    /**
     * Where each message went (key to "queue:offset"), the queues assigned, the keys polled, and
     * the offsets committed per queue id.
     */
    public record Result(Map<String, String> sentTo, List<Integer> assignedQueues, List<String> polled,
                         Map<Integer, Long> committed) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        Map<String, String> sentTo = new java.util.LinkedHashMap<>();
        List<MessageQueue> all;
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            for (int i = 1; i <= count; i++) {
                SendResult r = producer.send(new Message(topic, "TagA", "m-" + i, ("m-" + i).getBytes(StandardCharsets.UTF_8)));
                sentTo.put("m-" + i, r.getMessageQueue().getQueueId() + ":" + r.getQueueOffset());
            }
            // The topic's queues, from the route (a started consumer's fetchMessageQueues gives the same).
            all = new ArrayList<>(producer.fetchPublishMessageQueues(topic));
        } finally {
            producer.shutdown();
        }
        System.out.println("Sent (key -> queue:offset): " + sentTo);

        // 1. The two queues we take: 0 and 1. Assigned before start() and paused, so that no pull
        //    runs before the seeks below: a pull already under way when seek() is called can
        //    still hand over messages from the old position (seen with client 5.5.0), so a seek
        //    is safe only while its queue is paused.
        all.sort(Comparator.comparingInt(MessageQueue::getQueueId));
        List<MessageQueue> queues = all.subList(0, 2);
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        consumer.setNamesrvAddr(rocketmq.nameServer());
        consumer.setAutoCommit(false);
        consumer.setPollTimeoutMillis(500);
        consumer.assign(queues);
        consumer.pause(queues);
        consumer.start();
        List<String> polled = new ArrayList<>();
        Map<Integer, Long> committed = new java.util.TreeMap<>();
        try {
            // 2. Where to start in each: queue 0 skips its first message, queue 1 from the start.
            MessageQueue q0 = queues.get(0);
            MessageQueue q1 = queues.get(1);
            consumer.seek(q0, 1);
            consumer.seekToBegin(q1);
            consumer.resume(queues);
            System.out.printf("Assigned queues %d and %d; seek(queue %d, 1), seekToBegin(queue %d).%n",
                q0.getQueueId(), q1.getQueueId(), q0.getQueueId(), q1.getQueueId());

            // 3. Poll until both queues are read to their end.
            long expected = sentTo.values().stream().filter(at -> at.startsWith(q0.getQueueId() + ":")).count() - 1
                + sentTo.values().stream().filter(at -> at.startsWith(q1.getQueueId() + ":")).count();
            List<MessageExt> messages = new ArrayList<>();
            Wait.until(Duration.ofSeconds(20), expected + " messages", () -> {
                messages.addAll(consumer.poll()); // what the assigned queues have, from where we seeked
                return messages.size() >= expected;
            });
            Map<MessageQueue, Long> next = new java.util.HashMap<>();
            for (MessageExt m : messages) {
                polled.add(m.getKeys());
                System.out.printf("  polled %s from queue %d offset %d%n", m.getKeys(), m.getQueueId(), m.getQueueOffset());
                MessageQueue mq = m.getQueueId() == q0.getQueueId() ? q0 : q1;
                next.merge(mq, m.getQueueOffset() + 1, Math::max);
            }
            // 4. Commit exactly the offsets we choose: the next offset to read in each queue.
            //    persist=true sends them to the broker now.
            consumer.commitSync(next, true);
            for (MessageQueue mq : queues) {
                committed.put(mq.getQueueId(), consumer.committed(mq));
            }
            System.out.println("Committed (queue -> next offset): " + committed);
        } finally {
            consumer.shutdown();
        }
        return new Result(sentTo, queues.stream().map(MessageQueue::getQueueId).toList(), polled, committed);
    }
}
