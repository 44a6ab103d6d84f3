package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Scheduled (delayed) messages with the classic client, two ways:
 * <ul>
 *   <li><b>delay levels</b> ({@code setDelayTimeLevel(n)}): the broker has 18 fixed delays,
 *   {@code messageDelayLevel = 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h}; level 3
 *   means 10 s. The broker parks the message in the internal topic {@code SCHEDULE_TOPIC_XXXX} and
 *   writes it to your topic when its time has come: the consumer cannot see it before.</li>
 *   <li><b>any delivery time</b> ({@code setDeliverTimeMs(epochMillis)}, RocketMQ 5): the broker's
 *   timer wheel ({@code timerWheelEnable=true}, slots of {@code timerPrecisionMs}, 1 s by default)
 *   holds it until then. A time inside a slot may fire up to one slot early, so this lesson
 *   schedules on a whole second.</li>
 * </ul>
 * A normal message, sent first, arrives at once: proof that the consumer is live, so the later
 * arrival of the other two is the broker holding them back.
 * Roadmap: 3.3 Message Types: Scheduled/delayed messages.
 *
 * <p>Run it: {@code ./lesson DelayedMessages} (about 10 s). With the 5.x client:
 * {@link DelayedMessagesGrpc}.
 */
public class DelayedMessages {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonDelayedMessages", "lesson-delayed-messages", 2, 7_000);
        result.messages().forEach((key, t) -> System.out.printf("%-12s due %5d ms after sending, arrived after %5d ms%n",
            key, t.dueAt() - t.sentAt(), t.receivedAt() - t.sentAt()));
    }

    /**
     * When a message was sent, when it was due, when the broker wrote it to the topic (the store
     * time of the delivered message: for a delayed one, its release) and when the consumer got it
     * (epoch ms; 0 = never).
     */
    public record Timing(long sentAt, long dueAt, long storedAt, long receivedAt) {
    }

    /** Per message key ("normal", "level-N", "deliver-at"): its timing. */
    public record Result(Map<String, Timing> messages) {
    }

    /**
     * Sends a normal message, one with delay level {@code level}, and one with a delivery time at
     * least {@code deliverInMillis} from now; waits until all three have arrived.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, int level, long deliverInMillis) throws Exception {
        // 1. A DELAY topic: the classic client does not check the type, the 5.x client does.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.DELAY, 4);
        }
        System.out.printf("Topic %s is ready (DELAY).%n", topic);

        // 2. An ordinary consumer: nothing special is needed to receive delayed messages.
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        Map<String, Long> storedAt = new ConcurrentHashMap<>();
        CountDownLatch normalReceived = new CountDownLatch(1);
        CountDownLatch allReceived = new CountDownLatch(3);
        long start = System.currentTimeMillis();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                long now = System.currentTimeMillis();
                if (receivedAt.putIfAbsent(m.getKeys(), now) == null) {
                    storedAt.put(m.getKeys(), m.getStoreTimestamp());
                    System.out.printf("  [+%5d ms] received %s%n", now - start, m.getKeys());
                    if (m.getKeys().equals("normal")) {
                        normalReceived.countDown();
                    }
                    allReceived.countDown();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        Map<String, long[]> sent = new LinkedHashMap<>(); // key -> {sentAt, dueAt}
        long delay = rocketmq.profile().delayLevelMillis(level);
        try {
            // 3a. A normal message: delivered at once. Once it is here, the consumer is surely
            //     live, so whatever arrives late from now on was held back by the broker.
            long t = System.currentTimeMillis();
            producer.send(new Message(topic, "Normal", "normal", "right away".getBytes(StandardCharsets.UTF_8)));
            sent.put("normal", new long[] {t, t});
            System.out.printf("[+%5d ms] sent \"normal\" (no delay)%n", t - start);
            if (!normalReceived.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the consumer received nothing within 30 s");
            }

            // 3b. A delay level: the broker adds the level's delay to the time it stored the message.
            Message leveled = new Message(topic, "Delayed", "level-" + level, "after a delay level".getBytes(StandardCharsets.UTF_8));
            leveled.setDelayTimeLevel(level);
            t = System.currentTimeMillis();
            producer.send(leveled);
            sent.put("level-" + level, new long[] {t, t + delay});
            System.out.printf("[+%5d ms] sent \"level-%d\": delay level %d = %d ms on this broker%n", t - start, level, level, delay);

            // 3c. Any delivery time (5.x broker): an epoch timestamp, here on a whole second.
            t = System.currentTimeMillis();
            long deliverAt = (t + deliverInMillis + 999) / 1000 * 1000;
            Message timed = new Message(topic, "Delayed", "deliver-at", "at a given time".getBytes(StandardCharsets.UTF_8));
            timed.setDeliverTimeMs(deliverAt);
            producer.send(timed);
            sent.put("deliver-at", new long[] {t, deliverAt});
            System.out.printf("[+%5d ms] sent \"deliver-at\": deliver at +%d ms%n", t - start, deliverAt - start);

            // 4. Wait until the last one is due, plus a bound.
            long wait = Math.max(delay, deliverAt - System.currentTimeMillis()) + 30_000;
            if (!allReceived.await(wait, TimeUnit.MILLISECONDS)) {
                System.out.printf("Only %d of 3 arrived in time.%n", receivedAt.size());
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        Map<String, Timing> result = new LinkedHashMap<>();
        sent.forEach((key, times) -> result.put(key, new Timing(times[0], times[1], storedAt.getOrDefault(key, 0L),
            receivedAt.getOrDefault(key, 0L))));
        return new Result(result);
    }
}
