package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.Wait;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The lite pull consumer in subscribe mode: you call {@code poll()} when you are ready for more
 * (your loop, your pace), the group shares the queues as with a push consumer, and with
 * {@code autoCommit=false} you decide when the group's offsets move: {@code commitSync()} after
 * the work is done. {@code seek()} moves a queue's read position (replay).
 * Roadmap: 3.2 Consumer Basics: Pull consumer (polling).
 *
 * <p>What a commit means: the next consumer of the group (after a restart, a crash, a rebalance)
 * starts where the group committed. Commit after processing and a crash re-delivers (at least
 * once); commit before and a crash loses. Run it: {@code ./lesson LitePullConsumerSubscribe}.
 * Assigning queues yourself instead: {@link LitePullConsumerAssign}.
 */
public class LitePullConsumerSubscribe {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonLitePullSubscribe", "lesson-lite-pull-subscribe", 10, 5);
        System.out.printf("Done: first consumer %d, replayed %d, restarted consumer %d.%n", result.firstPolled().size(),
            result.replayed().size(), result.afterRestart().size());
    }

    /**
     * Keys polled by the first consumer, keys it re-read after seeking queue 0 back to 0, the
     * group's committed offsets per queue id, and the keys a new consumer of the group polled.
     */
    public record Result(List<String> firstPolled, int replayQueue, List<String> replayed,
                         Map<Integer, Long> committed, List<String> afterRestart) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int before, int after)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            send(producer, topic, "first-", before);

            // 1. Subscribe mode, manual commits, start at the oldest message for a new group.
            DefaultLitePullConsumer consumer = newConsumer(rocketmq, group);
            consumer.subscribe(topic, "*");
            consumer.start();
            List<String> firstPolled = new ArrayList<>();
            Map<Integer, Long> committed = new TreeMap<>();
            List<String> replayed = new ArrayList<>();
            int replayQueue = -1;
            try {
                // 2. The poll loop: each poll() returns what has been fetched (up to pullBatchSize
                //    per queue), waiting at most pollTimeoutMillis when nothing is there.
                List<MessageExt> polled = pollUntil(consumer, before);
                polled.forEach(m -> firstPolled.add(m.getKeys()));
                System.out.printf("Polled %d messages: %s%n", polled.size(), firstPolled);
                // 3. Processed: commit. The group's offsets move to just past what was polled.
                consumer.commitSync();
                for (MessageQueue mq : consumer.assignment()) {
                    committed.put(mq.getQueueId(), consumer.committed(mq));
                }
                System.out.println("Committed offsets per queue: " + committed);

                // 4. Replay: seek one queue back to offset 0 and poll its messages again. The queue
                //    is paused around the seek: a pull already under way can otherwise hand over
                //    messages from the old position (client 5.5.0; see LitePullConsumerAssign).
                MessageExt first = polled.get(0);
                MessageQueue queue = new MessageQueue(topic, first.getBrokerName(), first.getQueueId());
                replayQueue = queue.getQueueId();
                long inQueue = polled.stream().filter(m -> m.getQueueId() == queue.getQueueId()).count();
                consumer.pause(List.of(queue));
                consumer.seek(queue, 0);
                consumer.resume(List.of(queue));
                pollUntil(consumer, (int) inQueue).forEach(m -> replayed.add(m.getKeys()));
                System.out.printf("After seek(queue %d, 0): polled again %s%n", replayQueue, replayed);
                // Back to the offsets committed before the replay, named explicitly: a plain
                // commitSync() here commits where the replay's polling got to, and once (CI, 1 run
                // in many) that was offset 0 of the replayed queue: the group read it all again.
                Map<MessageQueue, Long> beforeReplay = new java.util.HashMap<>();
                for (MessageQueue mq : consumer.assignment()) {
                    beforeReplay.put(mq, committed.get(mq.getQueueId()));
                }
                consumer.commit(beforeReplay, true);
            } finally {
                consumer.shutdown();
            }

            // 5. New messages, and a new consumer of the same group: it starts at the committed
            //    offsets, so it gets only the new ones.
            send(producer, topic, "second-", after);
            DefaultLitePullConsumer restarted = newConsumer(rocketmq, group);
            restarted.subscribe(topic, "*");
            restarted.start();
            List<String> afterRestart = new ArrayList<>();
            try {
                pollUntil(restarted, after).forEach(m -> afterRestart.add(m.getKeys()));
                restarted.commitSync();
            } finally {
                restarted.shutdown();
            }
            System.out.printf("A new consumer of the group polled %s: it started at the committed offsets.%n", afterRestart);
            return new Result(firstPolled, replayQueue, replayed, committed, afterRestart);
        } finally {
            producer.shutdown();
        }
    }

    private static DefaultLitePullConsumer newConsumer(RocketMQ rocketmq, String group) {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setAutoCommit(false); // we commit ourselves (default: every 5 s, in poll())
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPollTimeoutMillis(500);
        return consumer;
    }

    private static void send(DefaultMQProducer producer, String topic, String prefix, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            producer.send(new Message(topic, "TagA", prefix + i, (prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        System.out.printf("Sent %d messages %s1..%d.%n", count, prefix, count);
    }

    /** Polls until {@code count} messages came (or 20 s passed). */
    private static List<MessageExt> pollUntil(DefaultLitePullConsumer consumer, int count) throws Exception {
        List<MessageExt> all = new ArrayList<>();
        Wait.until(Duration.ofSeconds(20), count + " messages", () -> {
            all.addAll(consumer.poll()); // up to pullBatchSize messages; waits up to pollTimeoutMillis (5 s) for one
            return all.size() >= count;
        });
        return all;
    }
}
