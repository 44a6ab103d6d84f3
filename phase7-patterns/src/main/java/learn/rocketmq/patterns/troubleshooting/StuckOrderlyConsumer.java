package learn.rocketmq.patterns.troubleshooting;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;

/**
 * A common issue: "the consumer is running, but one part of the orders stopped moving". The cause
 * is a poison message on an orderly consumer.
 * Roadmap: 7.4 Troubleshooting: Common issues and solutions.
 *
 * <p>An orderly consumer cannot skip a message it fails: it retries it in place ({@code
 * SUSPEND_CURRENT_QUEUE_A_MOMENT}) and everything behind it on its queue waits. Its default cap on
 * those retries is none ({@code maxReconsumeTimes=-1} means {@code Integer.MAX_VALUE} for orderly
 * consumption), so one message that can never be processed blocks its queue for ever while the other
 * queues flow: no error on the producer, none at the broker, only the consumer's log. The diagnosis:
 * the group's lag per queue ({@code mqadmin consumerProgress}, here {@code examineConsumeStats}):
 * one queue's lag that does not go down while the others are at 0. The solution: cap the retries
 * ({@code setMaxReconsumeTimes}); past the cap the client sends the message back and the broker puts
 * it in the group's DLQ ({@code %DLQ%group}), the queue moves on, and the message waits there for a
 * fix. The retry mechanism itself: {@code OrderlyRetry} (4.5). Run it: {@code ./lesson
 * StuckOrderlyConsumer} (the stuck run, then the capped one; about 10 s).
 */
public class StuckOrderlyConsumer {

    static final int ORDERS = 4;
    static final int STEPS = 10;
    static final String POISON = "order-2 step-3";

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        System.out.println("Without a cap on orderly retries (the default):");
        Result stuck = run(rocketmq, "LessonStuckOrderly", "lesson-stuck-orderly", -1);
        System.out.printf("  consumed %s%n  %s tried %d times; lag per queue %s; dead letters %d%n",
            stuck.consumed(), POISON, stuck.poisonAttempts(), stuck.lagPerQueue(), stuck.deadLetters());
        System.out.println("With setMaxReconsumeTimes(3):");
        Result capped = run(rocketmq, "LessonStuckOrderlyCapped", "lesson-stuck-orderly-capped", 3);
        System.out.printf("  consumed %s%n  %s tried %d times; lag per queue %s; dead letters %d%n",
            capped.consumed(), POISON, capped.poisonAttempts(), capped.lagPerQueue(), capped.deadLetters());
    }

    /** The steps consumed per order, attempts at the poison step, the group's lag per queue id, the DLQ's size. */
    public record Result(Map<String, List<Integer>> consumed, int poisonAttempts, Map<Integer, Long> lagPerQueue,
                         long deadLetters) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int maxReconsumeTimes) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, ORDERS);
            Map<String, List<Integer>> consumed = new ConcurrentHashMap<>();
            AtomicInteger poisonAttempts = new AtomicInteger();
            AtomicInteger finished = new AtomicInteger();
            DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setSuspendCurrentQueueTimeMillis(200); // default 1 s between attempts
            consumer.setMaxReconsumeTimes(maxReconsumeTimes);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
                for (MessageExt m : messages) {
                    String[] orderStep = new String(m.getBody(), StandardCharsets.UTF_8).split(" ");
                    if (m.getKeys().equals(POISON)) {
                        poisonAttempts.incrementAndGet(); // a bug, a bad field: it fails every time
                        return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                    }
                    consumed.computeIfAbsent(orderStep[0], o -> new CopyOnWriteArrayList<>())
                        .add(Integer.parseInt(orderStep[1].substring("step-".length())));
                    finished.incrementAndGet();
                }
                return ConsumeOrderlyStatus.SUCCESS;
            });
            consumer.start();
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
            producer.start();
            try {
                // 1. Four orders of ten steps, each order on its own queue (the selector: the order's number).
                for (int step = 0; step < STEPS; step++) {
                    for (int order = 0; order < ORDERS; order++) {
                        String body = "order-" + order + " step-" + step;
                        producer.send(new Message(topic, "", body, body.getBytes(StandardCharsets.UTF_8)),
                            (queues, msg, arg) -> queues.get((Integer) arg), order);
                    }
                }
                // 2. Let the consumer do what it can: every other step done, or the poison step tried 5 times.
                String dlq = MixAll.getDLQTopic(group);
                Wait.until(Duration.ofSeconds(30), "the consumer to do what it can", () -> otherOrdersDone(consumed)
                    && (finished.get() == ORDERS * STEPS - 1 || poisonAttempts.get() >= 5));
                // 3. The diagnosis: the group's offsets at the broker (committed every second here, 5 s by default).
                Wait.until(Duration.ofSeconds(15), "the group's offsets to cover what it consumed",
                    () -> committed(admin.api().examineConsumeStats(group)) == finished.get() + admin.storedMessages(dlq));
                Map<Integer, Long> lag = new TreeMap<>();
                admin.api().examineConsumeStats(group).getOffsetTable().forEach((queue, offsets) ->
                    lag.put(queue.getQueueId(), offsets.getBrokerOffset() - offsets.getConsumerOffset()));
                Map<String, List<Integer>> sorted = new TreeMap<>();
                consumed.forEach((order, steps) -> sorted.put(order, new ArrayList<>(steps)));
                return new Result(sorted, poisonAttempts.get(), lag, admin.storedMessages(dlq));
            } finally {
                producer.shutdown();
                consumer.shutdown();
            }
        }
    }

    private static boolean otherOrdersDone(Map<String, List<Integer>> consumed) {
        for (int order = 0; order < ORDERS; order++) {
            if (order != 2 && consumed.getOrDefault("order-" + order, List.of()).size() < STEPS) {
                return false;
            }
        }
        return true;
    }

    /** The messages the group has committed: the sum of its consumer offsets (every queue starts at 0 here). */
    private static long committed(ConsumeStats stats) {
        return stats.getOffsetTable().values().stream().mapToLong(o -> Math.max(o.getConsumerOffset(), 0)).sum();
    }
}
