package learn.rocketmq.patterns.troubleshooting;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Finding a consumer's bottleneck: the lag says a group is slow, the client's thread stacks say
 * where.
 * Roadmap: 7.4 Troubleshooting: Performance bottleneck identification.
 *
 * <p>Where to look, in order: the group's lag ({@code mqadmin consumerProgress}) grows while the
 * broker answers fast: the consumer is the bottleneck. Its consume threads (a pool of {@code
 * consumeThreadMin} threads, 20 by default, named {@code ConsumeMessageThread_*}) are then all busy
 * somewhere: ask the client for its stacks through the broker ({@code mqadmin consumerStatus -g
 * group -s}, here {@code getConsumerRunningInfo(group, clientId, true)}) and count where they are.
 * Here the listener posts each payment to a ledger that takes 20 ms (a database call) under one
 * lock: the stacks show one thread in {@code Ledger.post} and the others BLOCKED waiting for it, so
 * more threads or more consumers would not help. Without the lock (each payment's row is its own)
 * the same threads post in parallel. Other bottlenecks, other tools: a broker flushing each message
 * to disk (phase 6 {@code BrokerTuning}), flow control ({@code BrokerBusy}), one hot queue (the lag
 * per queue, {@code StuckOrderlyConsumer}). Run it: {@code ./lesson BottleneckIdentification}.
 */
public class BottleneckIdentification {

    static final int PAYMENTS = 200;
    static final int CONSUME_THREADS = 4;

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result locked = run(rocketmq, "LessonBottleneck", "lesson-bottleneck-locked", true);
        Result fixed = run(rocketmq, "LessonBottleneckFixed", "lesson-bottleneck-fixed", false);
        System.out.printf("Done: with the lock, consume threads by state in Ledger.post %s, at most %d posting at once, drained in %d ms;"
                + " without it %s, %d at once, %d ms (%.1fx faster in this run).%n",
            locked.inPost(), locked.maxConcurrentPosts(), locked.drainMillis(),
            fixed.inPost(), fixed.maxConcurrentPosts(), fixed.drainMillis(), (double) locked.drainMillis() / fixed.drainMillis());
    }

    /** The ledger: a slow write (a database call, 20 ms), behind one lock for all payments or none. */
    static final class Ledger {
        private final boolean globalLock;
        private final AtomicInteger posting = new AtomicInteger();
        private final AtomicInteger maxPosting = new AtomicInteger();
        private final AtomicInteger posted = new AtomicInteger();

        Ledger(boolean globalLock) {
            this.globalLock = globalLock;
        }

        void post(String payment) throws InterruptedException {
            if (globalLock) {
                synchronized (this) {
                    write(payment);
                }
            } else {
                write(payment);
            }
        }

        private void write(String payment) throws InterruptedException {
            maxPosting.accumulateAndGet(posting.incrementAndGet(), Math::max);
            Thread.sleep(20); // the database round trip
            posting.decrementAndGet();
            posted.incrementAndGet();
        }
    }

    /**
     * The consume threads found in {@code Ledger.post} by thread state (from the client's stacks taken
     * during the backlog), the group's lag then, the most posts at once, the time to drain the backlog.
     */
    public record Result(Map<String, Integer> inPost, int consumeThreads, long lagAtDump, int maxConcurrentPosts,
                         long drainMillis) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, boolean globalLock) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            Ledger ledger = new Ledger(globalLock);
            DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setConsumeThreadMin(CONSUME_THREADS);
            consumer.setConsumeThreadMax(CONSUME_THREADS);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                try {
                    for (var m : messages) {
                        ledger.post(new String(m.getBody(), StandardCharsets.UTF_8));
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
            });
            consumer.start();
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
            producer.start();
            try {
                // 1. A backlog: the payments arrive faster than the consumer posts them.
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < PAYMENTS; i++) {
                    batch.add(new Message(topic, ("payment-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                long start = System.currentTimeMillis();
                for (int i = 0; i < PAYMENTS; i += 50) {
                    producer.send(batch.subList(i, i + 50));
                }
                Wait.until(Duration.ofSeconds(30), "the consumer to be busy", () -> ledger.posted.get() >= 20);
                // 2. The client's stacks, as mqadmin consumerStatus -s gets them: where are the consume threads?
                String clientId = admin.api().examineConsumerConnectionInfo(group).getConnectionSet().iterator().next().getClientId();
                String jstack = admin.api().getConsumerRunningInfo(group, clientId, true).getJstack();
                long lag = PAYMENTS - ledger.posted.get();
                Map<String, Integer> inPost = consumeThreadsIn(jstack, Ledger.class.getName() + ".post");
                System.out.printf("%s: %d payments waiting; consume threads in Ledger.post by state: %s%n",
                    globalLock ? "1. One lock" : "2. No lock", lag, inPost);
                Wait.until(Duration.ofSeconds(60), "the backlog to drain", () -> ledger.posted.get() >= PAYMENTS);
                long drain = System.currentTimeMillis() - start;
                System.out.printf("   at most %d posting at once; %d payments posted in %d ms%n", ledger.maxPosting.get(),
                    ledger.posted.get(), drain);
                return new Result(inPost, CONSUME_THREADS, lag, ledger.maxPosting.get(), drain);
            } finally {
                producer.shutdown();
                consumer.shutdown();
            }
        }
    }

    /**
     * The client's stack dump ({@code UtilAll.jstack}: a header line "name TID: n STATE: s" per
     * thread, then one line per frame, each starting with the thread's name): the consume threads whose
     * stack has {@code method}, counted by state.
     */
    static Map<String, Integer> consumeThreadsIn(String jstack, String method) {
        Map<String, Integer> byState = new TreeMap<>();
        for (String thread : jstack.split("\n\\s*\n")) {
            String header = thread.strip().lines().findFirst().orElse("");
            if (header.startsWith("ConsumeMessageThread_") && thread.contains(method + "(")) {
                byState.merge(header.substring(header.indexOf("STATE: ") + "STATE: ".length()).strip(), 1, Integer::sum);
            }
        }
        return byState;
    }
}
