package learn.rocketmq.advanced.ordering;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Global (total) ordering: every consumer sees every message of the topic in the order it was sent.
 * RocketMQ orders only <em>within a queue</em>, so a total order needs a topic with exactly one
 * queue, one producer sending synchronously (the next send starts after the previous is stored),
 * and an orderly listener (one message at a time per queue, the queue locked on the broker).
 * With the classic client; the 5.x way is one message group on a FIFO topic: {@link GlobalOrderingGrpc}.
 * Roadmap: 4.1 Message Ordering: Global ordering.
 *
 * <p>The price: one queue is consumed by one thread of one consumer, whatever the group's size;
 * extra consumers idle. The lesson consumes the same messages, each taking the same simulated work,
 * from a 1-queue topic and from a 4-queue topic and prints both rates. Use a total order only when
 * the whole stream really is one sequence (a ledger, a binlog of one table); most "order" needs are
 * per entity: {@link PartitionOrdering}.
 * Run it: {@code ./lesson GlobalOrdering}.
 */
public class GlobalOrdering {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result one = run(rocketmq, "LessonGlobalOrdering1", "lesson-global-ordering-1", 1, 200, 5);
        Result four = run(rocketmq, "LessonGlobalOrdering4", "lesson-global-ordering-4", 4, 200, 5);
        System.out.printf("1 queue: %.0f msg/s in total order; 4 queues: %.0f msg/s, ordered per queue only (%.1fx).%n",
            one.perSecond(), four.perSecond(), four.perSecond() / one.perSecond());
    }

    /**
     * @param sequence  the "seq" of each message in the order the consumer finished them
     * @param perSecond messages consumed per second, first to last
     */
    public record Result(int queues, List<Integer> sequence, double perSecond) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int queues, int count, long workMillis)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, queues);
        }
        // 1. One producer, synchronous sends, in sequence: the broker stores them in this order.
        //    (Round robin over the queues: with 1 queue, all in the same one.)
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            for (int seq = 1; seq <= count; seq++) {
                producer.send(new Message(topic, "TagA", "seq-" + seq, ("step " + seq).getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            producer.shutdown();
        }

        // 2. An orderly consumer with plenty of threads: it still runs one message at a time per queue.
        List<Integer> sequence = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(count);
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(8);
        consumer.setConsumeThreadMax(8);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            first.compareAndSet(0, System.nanoTime());
            for (MessageExt m : messages) {
                work(workMillis); // e.g. applying the change to a database
                sequence.add(Integer.parseInt(m.getKeys().substring(4)));
                all.countDown();
            }
            last.set(System.nanoTime());
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
        try {
            if (!all.await(60, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 60 s.%n", sequence.size(), count);
            }
        } finally {
            consumer.shutdown();
        }
        double seconds = Math.max(1, last.get() - first.get()) / 1e9;
        double perSecond = sequence.size() / seconds;
        boolean total = Sequences.isAscending(sequence);
        System.out.printf("%d queue(s): consumed %d messages (%d ms of work each) at %.0f msg/s; total order %s.%n",
            queues, sequence.size(), workMillis, perSecond, total ? "kept" : "NOT kept (only per queue)");
        return new Result(queues, sequence, perSecond);
    }

    private static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
