package learn.rocketmq.internals.performance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.Wait;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Consumer tuning, measured: consume threads, pull batch size, batch consumption, and what
 * orderly consumption costs, each a new consumer group reading the same backlog beside a baseline
 * group (the classic push consumer's defaults) in the same invocation.
 * Roadmap: 6.2 Performance Optimization: Consumer performance tuning.
 *
 * <p>A push consumer pulls up to {@code pullBatchSize} (32) messages per request from each
 * queue into a local cache, and hands them to {@code consumeThreadMin} (20) threads,
 * {@code consumeMessageBatchMaxSize} (1) at a time. Where the listener waits on something (a
 * database, a service: here a 1 ms wait per call), threads are the lever; where each call has a
 * fixed cost (a commit), handing the listener a list amortises it. The broker caps a pull at
 * {@code maxTransferCountOnMessageInMemory} (32) messages whatever the client asks: a
 * {@code pullBatchSize} above 32 changes nothing until the broker is told so. An orderly listener
 * holds a lock per queue: at most one call per queue at a time, however many threads.
 * Throughput is measured from a group's first message to its last (its start-up and first
 * rebalance left out). Run it: {@code ./lesson ConsumerTuning} ({@code --quick}: a small backlog).
 */
public class ConsumerTuning {

    public static final int QUEUES = 8;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, LoadRun.topology())) {
            Result r = run(cluster, "LessonConsumerTuning", quick ? 2_000 : 20_000, Path.of("target", "benchmark"));
            r.comparisons().forEach(c -> System.out.printf("Done: %-45s x%.2f%n", c.tuning(), c.ratio()));
        }
    }

    /** The listener's simulated cost: a wait per call (a commit, say) and per message (a downstream call). */
    public record Work(long microsPerCall, long microsPerMessage) {
    }

    /** What the tuned runs observed: the longest list a batch listener got, and orderly deliveries out of order. */
    private record Observed(AtomicInteger largestBatch, AtomicLong outOfOrder, boolean recordsBatches) {
        Observed(AtomicInteger largestBatch, AtomicLong outOfOrder) {
            this(largestBatch, outOfOrder, false);
        }
    }

    public record Comparison(String tuning, LoadRun.Figures baseline, LoadRun.Figures tuned) {
        public double ratio() {
            return tuned.perSecond() / baseline.perSecond();
        }
    }

    /**
     * {@code largestBatch}: the longest list the batch listener was handed with pullBatchSize and
     * batch size 128; {@code outOfOrder}: messages the orderly listener got below an offset it had
     * already seen in their queue (0: the order per queue held).
     */
    public record Result(int backlog, List<Comparison> comparisons, int largestBatch, long outOfOrder, List<Path> files) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int backlog, Path out) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, QUEUES);
            // 1. A backlog of 1 KB messages, sent in batches; every group below reads all of it from the first offset.
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
            producer.start();
            try {
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    batch.add(new Message(topic, new byte[1024]));
                }
                for (int sent = 0; sent < backlog; sent += batch.size()) {
                    producer.send(batch.subList(0, Math.min(batch.size(), backlog - sent)));
                }
            } finally {
                producer.shutdown();
            }
            Wait.until(Duration.ofSeconds(30), backlog + " messages stored", () -> admin.storedMessages(topic) == backlog);
            System.out.printf("1. %d messages of 1 KB in %d queues of %s; each group below reads them all%n", backlog, QUEUES, topic);

            List<Comparison> comparisons = new ArrayList<>();
            Work perMessage = new Work(0, 1000);
            Work perCall = new Work(1000, 0);
            Observed seen = new Observed(new AtomicInteger(), new AtomicLong());
            // 2. Threads, for a listener that waits 1 ms per message.
            comparisons.add(compare(rocketmq, admin, topic, backlog, "consume threads 64 (1 ms per message)", perMessage,
                c -> { }, c -> {
                    c.setConsumeThreadMin(64);
                    c.setConsumeThreadMax(64);
                }, false, seen));
            // 3. Pull batch size, for a listener that does nothing: the broker caps a pull at 32.
            comparisons.add(compare(rocketmq, admin, topic, backlog, "pullBatchSize 128 (no work)", new Work(0, 0),
                c -> { }, c -> c.setPullBatchSize(128), false, seen));
            // 4. Batch consumption, for a listener with a 1 ms cost per call.
            comparisons.add(compare(rocketmq, admin, topic, backlog, "batches of up to 32 (1 ms per call)", perCall,
                c -> { }, c -> c.setConsumeMessageBatchMaxSize(32), false, seen));
            comparisons.add(compare(rocketmq, admin, topic, backlog, "pullBatchSize and batches of 128 (1 ms per call)", perCall,
                c -> { }, c -> {
                    c.setPullBatchSize(128);
                    c.setConsumeMessageBatchMaxSize(128);
                }, false, new Observed(seen.largestBatch(), seen.outOfOrder(), true)));
            // 5. Orderly (a lock per queue) against concurrent, 1 ms per message.
            comparisons.add(compare(rocketmq, admin, topic, backlog, "orderly, 20 threads (1 ms per message)", perMessage,
                c -> { }, c -> { }, true, seen));
            System.out.printf("   With pullBatchSize and consumeMessageBatchMaxSize 128, the longest list a listener got: %d%n",
                seen.largestBatch().get());

            List<LoadRun.Figures> all = new ArrayList<>();
            Map<String, Double> ratios = new LinkedHashMap<>();
            for (Comparison c : comparisons) {
                all.add(c.baseline());
                all.add(c.tuned());
                ratios.put(c.tuning(), c.ratio());
            }
            List<Path> files = List.of(Report.csv(out, "consumer-tuning", all), Report.barChart(out, "consumer-tuning-ratios",
                "Consumer throughput, x its baseline (same run)", "throughput / baseline", ratios));
            System.out.printf("6. Wrote %s%n", files);
            return new Result(backlog, comparisons, seen.largestBatch().get(), seen.outOfOrder().get(), files);
        }
    }

    private static Comparison compare(RocketMQ rocketmq, RocketMQAdmin admin, String topic, int backlog, String tuning, Work work,
                                      Consumer<DefaultMQPushConsumer> baseline, Consumer<DefaultMQPushConsumer> tuned, boolean orderly,
                                      Observed observed) throws Exception {
        LoadRun.Figures b = consumeAll("baseline before " + tuning, rocketmq, admin, topic, backlog, work, baseline, false, null);
        LoadRun.Figures t = consumeAll(tuning, rocketmq, admin, topic, backlog, work, tuned, orderly, observed);
        Comparison c = new Comparison(tuning, b, t);
        System.out.printf("   %-62s %8.0f msg/s%n   %-62s %8.0f msg/s   x%.2f%n", b.name(), b.perSecond(), t.name(), t.perSecond(),
            c.ratio());
        return c;
    }

    /**
     * A new group reads the whole backlog from the first offset. The figures: distinct messages
     * consumed, over the time from the first to the last; the histogram holds each listener call's time.
     */
    private static LoadRun.Figures consumeAll(String name, RocketMQ rocketmq, RocketMQAdmin admin, String topic, int backlog, Work work,
                                              Consumer<DefaultMQPushConsumer> settings, boolean orderly, Observed observed)
        throws Exception {
        String group = topic + "-g" + System.nanoTime();
        admin.createConsumerGroup(group, orderly);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> lastOffset = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(backlog);
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        Histogram calls = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        settings.accept(consumer);
        Consumer<List<MessageExt>> handle = messages -> {
            long t0 = System.nanoTime();
            first.compareAndSet(0, t0);
            if (observed != null && observed.recordsBatches()) {
                observed.largestBatch().accumulateAndGet(messages.size(), Math::max);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(work.microsPerCall() + work.microsPerMessage() * messages.size()));
            for (MessageExt m : messages) {
                if (orderly && observed != null && lastOffset.getOrDefault(m.getQueueId(), -1L) > m.getQueueOffset()) {
                    observed.outOfOrder().incrementAndGet();
                }
                lastOffset.put(m.getQueueId(), m.getQueueOffset());
                if (seen.add(((long) m.getQueueId() << 40) | m.getQueueOffset())) {
                    all.countDown();
                }
            }
            last.set(System.nanoTime());
            calls.recordValue((System.nanoTime() - t0) / 1000);
        };
        if (orderly) {
            consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
                handle.accept(messages);
                return ConsumeOrderlyStatus.SUCCESS;
            });
        } else {
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                handle.accept(messages);
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
        }
        consumer.start();
        try {
            if (!all.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + ": " + seen.size() + " of " + backlog + " messages consumed in 120 s");
            }
        } finally {
            consumer.shutdown();
        }
        return new LoadRun.Figures(name, 1024, seen.size(), 0, (last.get() - first.get()) / 1e9, calls);
    }
}
