package learn.rocketmq.patterns.troubleshooting;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A delayed message that arrives at once, or an hour late: the sender's clock is wrong.
 * Roadmap: 7.4 Troubleshooting: Common issues and solutions.
 *
 * <p>{@code setDeliverTimeMs(t)} (and the 5.x client's {@code setDeliveryTimestamp}) sends an
 * absolute time, computed on the <em>client's</em> clock; the broker compares it with its own. So
 * "deliver in 10 s" from a machine whose clock is a minute behind is a time already past: the
 * broker delivers it at once. From a clock an hour ahead it is held an hour and 10 s. Nothing
 * fails and nothing is logged. The fix: keep clocks synchronised (NTP, chrony) and, for "in N
 * seconds", send a relative delay, {@code setDelayTimeMs(n)}: the broker adds it to its own clock
 * (the {@code TIMER_DELAY_MS} property), so the sender's clock does not matter. Here the skew is
 * simulated: each sender computes "now" as its clock would. Run it: {@code ./lesson ClockSkew}.
 */
public class ClockSkew {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonClockSkew", "lesson-clock-skew");
        System.out.printf("Done: arrived after (ms) %s; not arrived %s%n", r.arrivedAfterMillis(), r.notArrived());
    }

    /** Per message key: ms from its send until it arrived; the keys still held when the on-time ones had arrived. */
    public record Result(Map<String, Long> arrivedAfterMillis, java.util.Set<String> notArrived) {
    }

    static final long DELAY_MS = 10_000;

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.DELAY, 1);
        }
        Map<String, Long> sentAt = new LinkedHashMap<>();
        Map<String, Long> arrived = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                long after = System.currentTimeMillis() - sentAt.get(m.getKeys());
                if (arrived.putIfAbsent(m.getKeys(), after) == null) {
                    System.out.printf("  %-28s arrived %6d ms after it was sent%n", m.getKeys(), after);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.start();
        try {
            // 1. Each sender means "in 10 s", by its own clock: right, a minute behind, an hour ahead.
            Map<String, Long> skews = new LinkedHashMap<>();
            skews.put("clock right", 0L);
            skews.put("clock 1 min behind", -60_000L);
            skews.put("clock 1 h ahead", 3_600_000L);
            System.out.printf("1. Four messages meant for delivery in %d s:%n", DELAY_MS / 1000);
            for (Map.Entry<String, Long> skew : skews.entrySet()) {
                long clientNow = System.currentTimeMillis() + skew.getValue(); // what that machine's clock says
                Message m = new Message(topic, "Reminder", skew.getKey(), "remind me in 10 s".getBytes(StandardCharsets.UTF_8));
                m.setDeliverTimeMs(clientNow + DELAY_MS); // absolute: the client's clock decides
                send(producer, m, sentAt);
            }
            // 2. The fix: a relative delay, which the broker adds to its own clock.
            Message relative = new Message(topic, "Reminder", "clock 1 h ahead, relative", "remind me in 10 s".getBytes(StandardCharsets.UTF_8));
            relative.setDelayTimeMs(DELAY_MS);
            send(producer, relative, sentAt);

            Wait.until(Duration.ofSeconds(60), "the messages due in 10 s", () -> arrived.containsKey("clock right")
                && arrived.containsKey("clock 1 h ahead, relative") && arrived.containsKey("clock 1 min behind"));
            java.util.Set<String> held = new java.util.TreeSet<>(sentAt.keySet());
            held.removeAll(arrived.keySet());
            System.out.printf("2. Still held by the broker: %s (due in an hour, by the broker's clock)%n", held);
            return new Result(new LinkedHashMap<>(arrived), held);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    private static void send(DefaultMQProducer producer, Message m, Map<String, Long> sentAt) throws Exception {
        sentAt.put(m.getKeys(), System.currentTimeMillis());
        producer.send(m);
    }
}
