package learn.rocketmq.advanced.ordering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Global (total) ordering with the 5.x client: in 5.x, order is kept per <em>message group</em> on
 * a FIFO topic read by a consumer group created orderly. A total order over the whole topic is
 * therefore one message group for every message: one producer sends them synchronously with the
 * same {@code setMessageGroup}, the producer puts a message group always in the same queue, and the
 * proxy hands out the next message of a group only after the previous one was acknowledged.
 * Roadmap: 4.1 Message Ordering: Global ordering.
 *
 * <p>The price: one message group is one message in flight for the whole topic, whatever the
 * consumer's threads or the number of consumers; each message also waits for the acknowledgement
 * of the one before. The lesson consumes the same messages, each taking the same simulated work,
 * once as one message group and once spread over 8, with the same FIFO topic shape and the same
 * consumer (8 threads, {@code setEnableFifoConsumeAccelerator(true)}: different message groups of
 * a received batch are consumed in parallel, each still in order; off by default), and prints both
 * rates. Use a total order only when the whole stream really is one sequence (a ledger, a binlog of
 * one table); most "order" needs are per entity: {@link PartitionOrderingGrpc}.
 * The classic client: {@link GlobalOrdering}.
 * Run it: {@code ./lesson GlobalOrderingGrpc}.
 */
public class GlobalOrderingGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        compare(rocketmq, "LessonGlobalOrderingGrpc", "lesson-global-ordering-grpc", 8, 200, 5);
    }

    /** Queues of the FIFO topic, the same for both runs: only the message grouping differs. */
    static final int QUEUES = 4;

    /**
     * @param sequence    the "seq" of each message (1..count) in the order the consumer finished them;
     *                    message {@code seq} is in message group {@code seq % messageGroups}
     * @param perSecond   messages consumed per second, first to last
     * @param maxInFlight the most messages the listener ever worked on at the same time
     */
    public record Result(int messageGroups, List<Integer> sequence, double perSecond, int maxInFlight) {
    }

    public record Comparison(Result oneGroup, Result manyGroups) {
    }

    /**
     * The same {@code count} messages, each taking {@code workMillis} to consume: first all in one
     * message group (topic {@code topicPrefix-1}), then spread over {@code manyGroups} groups
     * (topic {@code topicPrefix-manyGroups}). Both consumers are closed at the end, side by side.
     */
    public static Comparison compare(RocketMQ rocketmq, String topicPrefix, String groupPrefix, int manyGroups, int count,
                                     long workMillis) throws Exception {
        List<PushConsumer> consumers = new ArrayList<>();
        try {
            Result one = run(rocketmq, topicPrefix + "-1", groupPrefix + "-1", 1, count, workMillis, consumers);
            Result many = run(rocketmq, topicPrefix + "-" + manyGroups, groupPrefix + "-" + manyGroups, manyGroups, count,
                workMillis, consumers);
            System.out.printf("1 message group: %.0f msg/s in total order; %d message groups: %.0f msg/s, ordered per group"
                + " only (%.1fx).%n", one.perSecond(), manyGroups, many.perSecond(), many.perSecond() / one.perSecond());
            return new Comparison(one, many);
        } finally {
            Clients.closeAll(consumers); // each close waits for its pending long-poll (up to 20 s by default)
        }
    }

    /**
     * Sends {@code count} messages over {@code messageGroups} message groups, then consumes them
     * with a new consumer, added to {@code consumers} (closed by the caller).
     */
    static Result run(RocketMQ rocketmq, String topic, String group, int messageGroups, int count, long workMillis,
                      List<PushConsumer> consumers) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, QUEUES);
            admin.createConsumerGroup(group, true); // orderly: FIFO per message group
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // 1. One producer, synchronous sends, in sequence. With one message group, every message is
        //    in "ledger-0": one sequence for the whole topic (and three of the four queues stay empty).
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            for (int seq = 1; seq <= count; seq++) {
                producer.send(provider.newMessageBuilder().setTopic(topic).setTag("TagA")
                    .setMessageGroup("ledger-" + (seq % messageGroups)) // the unit of order
                    .setKeys("seq-" + seq)
                    .setBody(("step " + seq).getBytes(StandardCharsets.UTF_8)).build());
            }
        }

        // 2. A consumer with 8 threads that would consume different message groups in parallel:
        //    with one message group it still gets one message at a time.
        List<Integer> sequence = new CopyOnWriteArrayList<>();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(count);
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setConsumptionThreadCount(8)
            .setEnableFifoConsumeAccelerator(true)
            .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
            .setMessageListener((MessageView view) -> {
                first.compareAndSet(0, System.nanoTime());
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                work(workMillis); // e.g. applying the entry to a database
                int seq = Integer.parseInt(view.getKeys().iterator().next().substring(4));
                if (seen.add(seq)) { // at-least-once: count a message once
                    sequence.add(seq);
                    all.countDown();
                }
                inFlight.decrementAndGet();
                last.set(System.nanoTime());
                return ConsumeResult.SUCCESS;
            })
            .build();
        consumers.add(consumer);
        if (!all.await(60, TimeUnit.SECONDS)) {
            System.out.printf("Only %d of %d arrived within 60 s.%n", sequence.size(), count);
        }
        double seconds = Math.max(1, last.get() - first.get()) / 1e9;
        double perSecond = sequence.size() / seconds;
        boolean total = Sequences.isAscending(sequence);
        System.out.printf("%d message group(s): consumed %d messages (%d ms of work each) at %.0f msg/s, at most %d at a time;"
                + " total order %s.%n", messageGroups, sequence.size(), workMillis, perSecond, maxInFlight.get(),
            total ? "kept" : "NOT kept (only per message group)");
        return new Result(messageGroups, List.copyOf(sequence), perSecond, maxInFlight.get());
    }

    private static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
