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
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Scheduled (delayed) messages with the 5.x client: any delivery time, no fixed levels. A message
 * with {@code setDeliveryTimestamp(epochMillis)} goes to a topic of type DELAY (the proxy rejects
 * it on a NORMAL topic, and a message without a time on a DELAY topic); the broker's timer wheel
 * holds it until then and consumers cannot see it before. The wheel has slots of
 * {@code timerPrecisionMs} (1 s by default): a time inside a slot may fire up to one slot early,
 * so this lesson schedules on whole seconds. Messages come out in the order of their times, not
 * the order they were sent.
 * Roadmap: 3.3 Message Types: Scheduled/delayed messages.
 *
 * <p>Run it: {@code ./lesson DelayedMessagesGrpc} (about 10 s). Delay levels with the classic
 * client: {@link DelayedMessages}.
 */
public class DelayedMessagesGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonDelayedMessagesGrpc", "lesson-delayed-messages-grpc", 5_000);
        result.messages().forEach((key, t) -> System.out.printf("%-8s due %5d ms after sending, arrived after %5d ms%n",
            key, t.dueAt() - t.sentAt(), t.receivedAt() - t.sentAt()));
    }

    /** When a message was sent, when it was due, and when the consumer got it (epoch ms; 0 = never). */
    public record Timing(long sentAt, long dueAt, long receivedAt) {
    }

    /** Per message key ("normal", "later", "sooner"): its timing. */
    public record Result(Map<String, Timing> messages) {
    }

    /**
     * Sends a normal message (to {@code topic}-normal) and waits for it, then "later" due in about
     * 2 x {@code delayMillis} and "sooner" due in about {@code delayMillis}, to {@code topic} (DELAY).
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, long delayMillis) throws Exception {
        rocketmq.requireProxy();
        // 1. The message type is a property of the topic: one DELAY topic, one NORMAL topic.
        String normalTopic = topic + "-normal";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.DELAY, 4);
            admin.createTopic(normalTopic, TopicMessageType.NORMAL, 4);
            admin.createConsumerGroup(group);
        }
        System.out.printf("Topics %s (DELAY) and %s (NORMAL), group %s are ready.%n", topic, normalTopic, group);

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // 2. One consumer on both topics: nothing special is needed to receive delayed messages.
        long start = System.currentTimeMillis();
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        CountDownLatch normalReceived = new CountDownLatch(1);
        CountDownLatch allReceived = new CountDownLatch(3);
        FilterExpression all = new FilterExpression("*", FilterExpressionType.TAG);
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, all, normalTopic, all))
            .setMessageListener((MessageView view) -> {
                long now = System.currentTimeMillis();
                String key = view.getKeys().iterator().next();
                if (receivedAt.putIfAbsent(key, now) == null) {
                    System.out.printf("  [+%5d ms] received %s%n", now - start, key);
                    if (key.equals("normal")) {
                        normalReceived.countDown();
                    }
                    allReceived.countDown();
                }
                return ConsumeResult.SUCCESS;
            })
            .build();

        Map<String, long[]> sent = new LinkedHashMap<>(); // key -> {sentAt, dueAt}
        try (Producer producer = provider.newProducerBuilder()
            .setClientConfiguration(configuration)
            .setTopics(topic, normalTopic)
            .build()) {
            // 3a. A normal message arrives at once: from then on the consumer is surely live.
            long t = System.currentTimeMillis();
            producer.send(provider.newMessageBuilder().setTopic(normalTopic).setKeys("normal")
                .setBody("right away".getBytes(StandardCharsets.UTF_8)).build());
            sent.put("normal", new long[] {t, t});
            System.out.printf("[+%5d ms] sent \"normal\" to the NORMAL topic%n", t - start);
            if (!normalReceived.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the consumer received nothing within 30 s");
            }

            // 3b. Two delayed messages, the later one sent first. Both times are fixed up front, on
            //     whole seconds (timer slot boundaries), "later" one delay after "sooner".
            long soonerAt = (System.currentTimeMillis() + delayMillis + 999) / 1000 * 1000;
            Map<String, Long> due = Map.of("sooner", soonerAt, "later", soonerAt + delayMillis);
            for (String key : new String[] {"later", "sooner"}) {
                t = System.currentTimeMillis();
                long deliverAt = due.get(key);
                Message message = provider.newMessageBuilder()
                    .setTopic(topic)
                    .setKeys(key)
                    .setDeliveryTimestamp(deliverAt)
                    .setBody(("delivered at " + deliverAt).getBytes(StandardCharsets.UTF_8))
                    .build();
                producer.send(message);
                sent.put(key, new long[] {t, deliverAt});
                System.out.printf("[+%5d ms] sent \"%s\" to the DELAY topic: deliver at +%d ms%n", t - start, key, deliverAt - start);
            }

            // 4. Wait until the last one is due, plus a bound.
            long wait = sent.get("later")[1] - System.currentTimeMillis() + 30_000;
            if (!allReceived.await(wait, TimeUnit.MILLISECONDS)) {
                System.out.printf("Only %d of 3 arrived in time.%n", receivedAt.size());
            }
        } finally {
            System.out.println("Closing the consumer (it waits for its pending long-poll, up to 20 s)...");
            consumer.close();
        }
        Map<String, Timing> result = new LinkedHashMap<>();
        sent.forEach((key, times) -> result.put(key, new Timing(times[0], times[1], receivedAt.getOrDefault(key, 0L))));
        return new Result(result);
    }
}
