package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Consumer retry: a message the listener does not acknowledge comes back later, again and again,
 * with a growing reconsume count, until it succeeds (or runs out of attempts, see
 * {@link DeadLetterQueue}). Two ways to say "not now": return {@code RECONSUME_LATER}, or throw.
 * With the classic client.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Consumer retry mechanism; 4.5 Message Retry &amp; DLQ: Retry queue.
 *
 * <p>How it works: the consumer sends the failed message back to the broker, which stores a copy
 * in the group's <em>retry topic</em> {@code %RETRY%<group>} with a delay (delay level 3 + the
 * reconsume count: 10 s, 30 s, 1 min, 2 min ... with the broker defaults). Every push consumer of
 * the group also subscribes to its retry topic, so the copy comes back to the group, and only to
 * this group: other groups reading the same topic are not affected. The original's offset moves on,
 * so one failing message never blocks the queue (that is what an orderly consumer does instead,
 * see {@link OrderlyRetry}). Retries are per group: design the listener to be idempotent.
 * Run it: {@code ./lesson ConsumerRetry}. The 5.x client: {@link RetryPolicyGrpc}.
 */
public class ConsumerRetry {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonConsumerRetry", "lesson-consumer-retry", 2);
        System.out.printf("Done: %d deliveries; %d messages waited in %s.%n", result.attempts().size(),
            result.messagesInRetryTopic(), result.retryTopic());
    }

    /** One delivery of a message to the listener. */
    public record Attempt(String key, int reconsumeTimes, long atMillis, String retryTopicProperty) {
    }

    /**
     * @param attempts             every delivery, in arrival order
     * @param retryTopic           the group's retry topic, {@code %RETRY%<group>}
     * @param messagesInRetryTopic how many messages the broker stored in it (its max offsets summed)
     */
    public record Result(List<Attempt> attempts, String retryTopic, long messagesInRetryTopic) {
        public List<Attempt> of(String key) {
            return attempts.stream().filter(a -> a.key().equals(key)).toList();
        }
    }

    /**
     * Sends two messages: "fails-by-status" is answered RECONSUME_LATER, "fails-by-exception" makes
     * the listener throw; each fails {@code failuresEach} times, then succeeds.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, int failuresEach) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        long t0 = System.currentTimeMillis();
        List<Attempt> attempts = new CopyOnWriteArrayList<>();
        CountDownLatch bothSucceeded = new CountDownLatch(2);

        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        // Routes and heartbeats: 30 s by default; the fast-test profile shortens them so a retry
        // (a message in a new topic, %RETRY%group) is picked up in seconds.
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        // One message per call: the status applies to the whole list the listener gets.
        consumer.setConsumeMessageBatchMaxSize(1);
        // Default 16 retries (then the DLQ). Enough here to see it succeed.
        consumer.setMaxReconsumeTimes(failuresEach + 2);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            MessageExt m = messages.get(0);
            // A retried message: the client gives it back its original topic; the property
            // RETRY_TOPIC remembers that it travelled through %RETRY%group.
            Attempt attempt = new Attempt(m.getKeys(), m.getReconsumeTimes(), System.currentTimeMillis() - t0,
                m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC));
            attempts.add(attempt);
            boolean fail = m.getReconsumeTimes() < failuresEach;
            System.out.printf("  +%5d ms  %s, reconsume count %d%s -> %s%n", attempt.atMillis(), m.getKeys(),
                m.getReconsumeTimes(), attempt.retryTopicProperty() == null ? "" : " (via the retry topic)",
                fail ? (m.getKeys().equals("fails-by-status") ? "RECONSUME_LATER" : "throws") : "CONSUME_SUCCESS");
            if (fail && m.getKeys().equals("fails-by-exception")) {
                // An exception counts as RECONSUME_LATER (the client logs it and sends the message back).
                throw new IllegalStateException("the database is down (simulated)");
            }
            if (fail) {
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            bothSucceeded.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        long retryMessages;
        String retryTopic = MixAll.getRetryTopic(group);
        try {
            for (String key : List.of("fails-by-status", "fails-by-exception")) {
                producer.send(new Message(topic, "TagA", key, ("payload of " + key).getBytes(StandardCharsets.UTF_8)));
            }
            System.out.printf("Sent 2 messages; each fails %d times, then succeeds. Broker retry delays:"
                + " level 3, 4, ... (10 s, 30 s, ... by default; %d ms on this broker).%n",
                failuresEach, rocketmq.profile().delayLevelMillis(3));
            if (!bothSucceeded.await(60, TimeUnit.SECONDS)) {
                System.out.println("Not both succeeded within 60 s.");
            }
            // The retry topic is a real topic on the broker: the failed copies were stored there.
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                retryMessages = admin.storedMessages(retryTopic);
            }
            System.out.printf("%s holds %d messages: every failed delivery stored one copy there.%n", retryTopic, retryMessages);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(attempts, retryTopic, retryMessages);
    }
}
