package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Retry policy with the classic client, per message on a concurrent consumer:
 * {@code setMaxReconsumeTimes} caps the retries (default 16, then the DLQ). The listener may pick
 * the delay of the next attempt with {@code context.setDelayLevelWhenNextConsume(level)} (0 = the
 * broker's choice, level 3 + the reconsume count), and send a message it can never process (a
 * poison message: bad payload) straight to the DLQ with level -1, instead of burning 16 retries
 * over hours. The same policy on an orderly consumer: {@link OrderlyRetry}; on the producer:
 * {@link ProducerRetry}; the 5.x client's, which lives in the consumer group on the server:
 * {@link RetryPolicyGrpc}.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Retry policy configuration.
 *
 * <p>Run it: {@code ./lesson RetryPolicy}.
 */
public class RetryPolicy {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        PerMessageResult result = run(rocketmq, "LessonRetryPolicy", "lesson-retry-policy");
        System.out.printf("Done: %d deliveries, %d in the DLQ.%n", result.deliveries().size(), result.deadLetters());
    }

    /** One delivery: which message, its reconsume count, when (ms after the start). */
    public record Delivery(String key, int reconsumeTimes, long atMillis) {
    }

    /**
     * Deliveries of "transient" and "poison", whether "transient" finally succeeded within
     * the lesson's wait, and how many messages reached %DLQ%group.
     */
    public record PerMessageResult(List<Delivery> deliveries, boolean transientSucceeded, long deadLetters) {
        public List<Delivery> of(String key) {
            return deliveries.stream().filter(d -> d.key().equals(key)).toList();
        }
    }

    public static PerMessageResult run(RocketMQ rocketmq, String topic, String group) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        long t0 = System.currentTimeMillis();
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        CountDownLatch transientDone = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, "*");
        consumer.setMaxReconsumeTimes(5);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            MessageExt m = messages.get(0);
            Delivery d = new Delivery(m.getKeys(), m.getReconsumeTimes(), System.currentTimeMillis() - t0);
            deliveries.add(d);
            if (m.getKeys().equals("poison")) {
                // Unparseable: retrying will not help. -1 = no more retries, to the DLQ now.
                System.out.printf("  +%5d ms  poison: cannot be parsed -> DLQ at once (delay level -1)%n", d.atMillis());
                context.setDelayLevelWhenNextConsume(-1);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            if (m.getReconsumeTimes() < 2) {
                // A timeout of a downstream service: retry soon, at delay level 1 (1 s by default).
                System.out.printf("  +%5d ms  transient: attempt %d fails -> retry at delay level 1%n", d.atMillis(),
                    m.getReconsumeTimes() + 1);
                context.setDelayLevelWhenNextConsume(1);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            System.out.printf("  +%5d ms  transient: attempt %d succeeds%n", d.atMillis(), m.getReconsumeTimes() + 1);
            transientDone.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        long deadLetters;
        boolean transientSucceeded;
        try {
            producer.send(new Message(topic, "TagA", "transient", "ok".getBytes(StandardCharsets.UTF_8)));
            producer.send(new Message(topic, "TagA", "poison", "{not json".getBytes(StandardCharsets.UTF_8)));
            transientSucceeded = transientDone.await(30, TimeUnit.SECONDS);
            if (!transientSucceeded) {
                System.out.println("The transient message did not succeed within 30 s: the retries stopped coming.");
            }
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                Wait.until(Duration.ofSeconds(10), "the poison message in the DLQ",
                    () -> admin.storedMessages(MixAll.getDLQTopic(group)) > 0);
                deadLetters = admin.storedMessages(MixAll.getDLQTopic(group));
            }
            System.out.printf("%s holds %d message(s): the poison one, after a single delivery.%n",
                MixAll.getDLQTopic(group), deadLetters);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new PerMessageResult(deliveries, transientSucceeded, deadLetters);
    }
}
