package learn.rocketmq.production.clients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * A classic push consumer's threads and its cache, against a slow listener: how many messages it
 * works on at once ({@code consumeThreadMin}/{@code Max}), and how many it fetches ahead
 * ({@code pullThresholdForQueue}).
 * Roadmap: 5.3 Producer/Consumer Configuration: Thread pool configuration.
 *
 * <p>The listener runs on a thread pool of {@code consumeThreadMin} threads (default 20). The pool
 * queues work in an unbounded queue, so it never grows past its minimum: {@code consumeThreadMax}
 * does nothing, and a consumer set to min 1, max 16 works on one message at a time. Meanwhile the
 * consumer keeps pulling into a per-queue cache until it holds {@code pullThresholdForQueue}
 * messages (default 1000; also {@code pullThresholdSizeForQueue}, 100 MiB), then waits: that is
 * its backpressure, and what a crash or a rebalance makes it fetch again. With the 5.x client:
 * {@link ConsumerThreadsGrpc}. Run it: {@code ./lesson ConsumerThreads}.
 */
public class ConsumerThreads {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonConsumerThreads", "lesson-consumer-threads", 40, 10, 200);
        System.out.println("Done: " + r);
    }

    /** One thread pool setting: the most messages its listener held at once, and how long all took. */
    public record Threads(int consumeThreadMin, int consumeThreadMax, int mostAtOnce, long millis) {
    }

    /** The thread pool runs, and the most messages the consumer cached with and without a pull threshold. */
    public record Result(List<Threads> threads, int pullThreshold, int mostCachedWithThreshold, int mostCachedByDefault) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String groupPrefix, int messages, int threshold, int backlog)
        throws Exception {
        String cacheTopic = topic + "-cache";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createTopic(cacheTopic, TopicMessageType.NORMAL, 1);
        }
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(groupPrefix + "-producer"), rocketmq);
        producer.start();
        try {
            send(producer, topic, messages);
            send(producer, cacheTopic, backlog);
        } finally {
            producer.shutdown();
        }

        // 1. The same 40 messages, 20 ms of work each, consumed with four thread pool settings.
        List<Threads> runs = new ArrayList<>();
        int[][] pools = {{1, 1}, {4, 4}, {1, 16}, {16, 16}};
        for (int i = 0; i < pools.length; i++) {
            Threads t = consume(rocketmq, topic, groupPrefix + "-" + i, messages, pools[i][0], pools[i][1]);
            System.out.printf("1. consumeThreadMin %2d, consumeThreadMax %2d: at most %2d at once, all %d in %5d ms%n",
                t.consumeThreadMin(), t.consumeThreadMax(), t.mostAtOnce(), messages, t.millis());
            runs.add(t);
        }

        // 2. A slow consumer (one thread) facing a backlog: how much it fetches ahead.
        int withThreshold = mostCached(rocketmq, cacheTopic, groupPrefix + "-threshold", backlog, threshold);
        int byDefault = mostCached(rocketmq, cacheTopic, groupPrefix + "-default", backlog, 1000);
        System.out.printf("2. %d waiting on one queue: the consumer cached at most %d with pullThresholdForQueue %d,"
            + " %d with the default 1000%n", backlog, withThreshold, threshold, byDefault);
        return new Result(runs, threshold, withThreshold, byDefault);
    }

    private static Threads consume(RocketMQ rocketmq, String topic, String group, int messages, int min, int max) throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(min);
        consumer.setConsumeThreadMax(max);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20); // the work: a call to a slow downstream service
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            done.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        long t0 = System.nanoTime();
        consumer.start();
        try {
            Wait.until(Duration.ofSeconds(60), "all " + messages + " messages", () -> done.get() >= messages);
            return new Threads(min, max, most.get(), (System.nanoTime() - t0) / 1_000_000);
        } finally {
            consumer.shutdown();
        }
    }

    /** The most messages the consumer's cache held (looked at every 20 ms) while one thread worked through the backlog. */
    private static int mostCached(RocketMQ rocketmq, String topic, String group, int backlog, int threshold) throws Exception {
        AtomicInteger done = new AtomicInteger();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(1);
        consumer.setConsumeThreadMax(1);
        consumer.setPullThresholdForQueue(threshold);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        AtomicInteger most = new AtomicInteger();
        try {
            Wait.until(Duration.ofSeconds(60), "the backlog to be consumed", () -> {
                // The client's cache of fetched, unfinished messages (what mqadmin consumerStatus reports).
                most.accumulateAndGet(consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().values()
                    .stream().mapToInt(q -> (int) q.getMsgCount().get()).sum(), Math::max);
                return done.get() >= backlog;
            });
            return most.get();
        } finally {
            consumer.shutdown();
        }
    }

    private static void send(DefaultMQProducer producer, String topic, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new Message(topic, ("work " + i).getBytes(StandardCharsets.UTF_8)));
        }
    }
}
