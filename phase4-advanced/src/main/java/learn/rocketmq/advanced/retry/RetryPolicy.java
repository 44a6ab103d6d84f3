package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.hook.SendMessageContext;
import org.apache.rocketmq.client.hook.SendMessageHook;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * Retry policy with the classic client: who decides how often and how late a message is retried,
 * on the consumer side and on the producer side.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Retry policy configuration.
 *
 * <ol>
 *   <li><b>Per message, concurrent consumer</b>: {@code setMaxReconsumeTimes} caps the retries
 *   (default 16, then the DLQ). The listener may pick the delay of the next attempt with
 *   {@code context.setDelayLevelWhenNextConsume(level)} (0 = the broker's choice, level 3 + the
 *   reconsume count), and send a message it can never process (a poison message: bad payload)
 *   straight to the DLQ with level -1, instead of burning 16 retries over hours.</li>
 *   <li><b>Orderly consumer</b>: a failed message cannot go to the retry topic (the next message of
 *   the queue would overtake it). The consumer returns {@code SUSPEND_CURRENT_QUEUE_A_MOMENT}: the
 *   queue pauses {@code suspendCurrentQueueTimeMillis} (default 1 s) and the same message is
 *   retried in place, on the client; everything behind it waits. Its default max reconsume times
 *   is {@code Integer.MAX_VALUE}: a poison message blocks the queue forever, so set a cap.</li>
 *   <li><b>Producer</b>: a synchronous send that fails is retried {@code retryTimesWhenSendFailed}
 *   times (default 2, so 3 attempts), each on another queue, preferring another broker;
 *   {@code retryTimesWhenSendAsyncFailed} for async sends; {@code retryAnotherBrokerWhenNotStoreOK}
 *   (default false) also retries a send that was stored but not flushed/replicated in time
 *   (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE), at the price of duplicates:
 *   {@link RetryAnotherBroker} shows it on two brokers. Here a broker from which the topic was
 *   removed (a stale route, as after a migration) shows every attempt.</li>
 * </ol>
 * The 5.x client's policy lives in the consumer group on the server: {@link RetryPolicyGrpc}.
 * Run it: {@code ./lesson RetryPolicy}.
 */
public class RetryPolicy {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        perMessagePolicy(rocketmq, "LessonRetryPolicy", "lesson-retry-policy");
        orderlySuspendAndRetry(rocketmq, "LessonRetryPolicyOrderly", "lesson-retry-policy-orderly", 2);
        producerRetries(rocketmq, "LessonRetryPolicyProducer");
    }

    public record Delivery(String key, int reconsumeTimes, long atMillis) {
    }

    /**
     * Part 1: deliveries of "transient" and "poison", whether "transient" finally succeeded within
     * the lesson's wait, and how many messages reached %DLQ%group.
     */
    public record PerMessageResult(List<Delivery> deliveries, boolean transientSucceeded, long deadLetters) {
        public List<Delivery> of(String key) {
            return deliveries.stream().filter(d -> d.key().equals(key)).toList();
        }
    }

    public static PerMessageResult perMessagePolicy(RocketMQ rocketmq, String topic, String group) throws Exception {
        System.out.println("--- 1. Per message: a chosen delay for a transient error, straight to the DLQ for a poison message");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        long t0 = System.currentTimeMillis();
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        CountDownLatch transientDone = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = classicConsumer(rocketmq, group, topic);
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
        DefaultMQProducer producer = classicProducer(rocketmq, group + "-producer");
        long deadLetters = 0;
        boolean transientSucceeded;
        try {
            producer.send(new Message(topic, "TagA", "transient", "ok".getBytes(StandardCharsets.UTF_8)));
            producer.send(new Message(topic, "TagA", "poison", "{not json".getBytes(StandardCharsets.UTF_8)));
            transientSucceeded = transientDone.await(30, TimeUnit.SECONDS);
            if (!transientSucceeded) {
                System.out.println("The transient message did not succeed within 30 s: the retries stopped coming.");
            }
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                long deadline = System.currentTimeMillis() + 10_000;
                while (deadLetters == 0 && System.currentTimeMillis() < deadline) {
                    deadLetters = admin.storedMessages(MixAll.getDLQTopic(group));
                    Thread.sleep(100);
                }
            }
            System.out.printf("%s holds %d message(s): the poison one, after a single delivery.%n",
                MixAll.getDLQTopic(group), deadLetters);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new PerMessageResult(deliveries, transientSucceeded, deadLetters);
    }

    /**
     * Part 2: deliveries on an orderly consumer, whether all three steps were done within the
     * lesson's wait, and how many messages its group's retry topic got.
     */
    public record OrderlyResult(List<Delivery> deliveries, boolean allDone, long messagesInRetryTopic, long suspendMillis) {
    }

    public static OrderlyResult orderlySuspendAndRetry(RocketMQ rocketmq, String topic, String group, int failures)
        throws Exception {
        System.out.println("--- 2. Orderly consumer: suspend the queue and retry the same message in place");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 1); // one queue: a total order to keep
        }
        long suspendMillis = 500;
        long t0 = System.currentTimeMillis();
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        CountDownLatch allDone = new CountDownLatch(3);
        DefaultMQPushConsumer consumer = classicConsumer(rocketmq, group, topic);
        consumer.setSuspendCurrentQueueTimeMillis(suspendMillis); // default 1000
        consumer.setMaxReconsumeTimes(10); // orderly default: Integer.MAX_VALUE, i.e. block forever
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            MessageExt m = messages.get(0);
            Delivery d = new Delivery(m.getKeys(), m.getReconsumeTimes(), System.currentTimeMillis() - t0);
            deliveries.add(d);
            if (m.getKeys().equals("step-1") && m.getReconsumeTimes() < failures) {
                System.out.printf("  +%5d ms  %s fails (reconsume count %d): the queue pauses %d ms%n", d.atMillis(),
                    m.getKeys(), m.getReconsumeTimes(), suspendMillis);
                return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
            }
            System.out.printf("  +%5d ms  %s done (reconsume count %d)%n", d.atMillis(), m.getKeys(), m.getReconsumeTimes());
            allDone.countDown();
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = classicProducer(rocketmq, group + "-producer");
        long retried;
        boolean done;
        try {
            for (String key : List.of("step-1", "step-2", "step-3")) {
                producer.send(new Message(topic, "TagA", key, key.getBytes(StandardCharsets.UTF_8)));
            }
            done = allDone.await(30, TimeUnit.SECONDS);
            if (!done) {
                System.out.printf("Only %d of the 3 steps were done within 30 s.%n", 3 - allDone.getCount());
            }
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                retried = admin.storedMessages(MixAll.getRetryTopic(group));
            }
            System.out.printf("step-2 and step-3 waited behind step-1; %s got %d messages (retries stayed on the client).%n",
                MixAll.getRetryTopic(group), retried);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new OrderlyResult(deliveries, done, retried, suspendMillis);
    }

    /** Part 3: send attempts made with retryTimesWhenSendFailed = 0 and = 2 (the default). */
    public record ProducerResult(int attemptsWithoutRetries, String errorWithoutRetries, int attemptsWithDefaultRetries,
                                 String errorWithDefaultRetries) {
    }

    public static ProducerResult producerRetries(RocketMQ rocketmq, String topic) throws Exception {
        System.out.println("--- 3. Producer: retryTimesWhenSendFailed");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            DefaultMQProducer noRetries = classicProducer(rocketmq, topic + "-no-retries");
            noRetries.setRetryTimesWhenSendFailed(0);
            DefaultMQProducer defaults = classicProducer(rocketmq, topic + "-default-retries");
            System.out.printf("retryTimesWhenSendFailed=%d, retryTimesWhenSendAsyncFailed=%d, retryAnotherBrokerWhenNotStoreOK=%s%n",
                defaults.getRetryTimesWhenSendFailed(), defaults.getRetryTimesWhenSendAsyncFailed(),
                defaults.isRetryAnotherBrokerWhenNotStoreOK());
            AtomicInteger noRetryAttempts = countAttempts(noRetries);
            AtomicInteger defaultAttempts = countAttempts(defaults);
            try {
                // Both producers learn the route (the topic is writable) and send fine.
                noRetries.send(new Message(topic, "warm-up".getBytes(StandardCharsets.UTF_8)));
                defaults.send(new Message(topic, "warm-up".getBytes(StandardCharsets.UTF_8)));
                noRetryAttempts.set(0);
                defaultAttempts.set(0);
                // The topic is removed from the broker (as when it is migrated away). The producers'
                // cached routes still point there (they refresh every 30 s), so they send, and the
                // broker answers TOPIC_NOT_EXIST: a response code the producer retries.
                Set<String> brokers = new HashSet<>();
                for (BrokerData broker : admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values()) {
                    brokers.add(broker.getBrokerAddrs().get(MixAll.MASTER_ID));
                }
                admin.api().deleteTopicInBroker(brokers, topic);
                String errorNoRetries = sendAndDescribe(noRetries, topic);
                String errorDefaults = sendAndDescribe(defaults, topic);
                System.out.printf("retryTimesWhenSendFailed=0: %d attempt, then \"%s\"%n", noRetryAttempts.get(), errorNoRetries);
                System.out.printf("retryTimesWhenSendFailed=2: %d attempts, then \"%s\"%n", defaultAttempts.get(), errorDefaults);
                System.out.println("With a second broker, the retry would have gone there and succeeded.");
                return new ProducerResult(noRetryAttempts.get(), errorNoRetries, defaultAttempts.get(), errorDefaults);
            } finally {
                noRetries.shutdown();
                defaults.shutdown();
            }
        }
    }

    private static String sendAndDescribe(DefaultMQProducer producer, String topic) {
        try {
            producer.send(new Message(topic, "refused".getBytes(StandardCharsets.UTF_8)));
            return "sent";
        } catch (Exception e) {
            // The client's exception and its cause: the broker's answer (sometimes wrapped in
            // "Send [n] times, still failed", sometimes the broker's exception itself).
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Hints.explain(e) + " <- " + Hints.explain(cause);
        }
    }

    /** A send hook runs once per attempt: the way to see the producer's retries. */
    private static AtomicInteger countAttempts(DefaultMQProducer producer) {
        AtomicInteger attempts = new AtomicInteger();
        producer.getDefaultMQProducerImpl().registerSendMessageHook(new SendMessageHook() {
            @Override
            public String hookName() {
                return "count-attempts";
            }

            @Override
            public void sendMessageBefore(SendMessageContext context) {
                attempts.incrementAndGet();
            }

            @Override
            public void sendMessageAfter(SendMessageContext context) {
            }
        });
        return attempts;
    }

    private static DefaultMQPushConsumer classicConsumer(RocketMQ rocketmq, String group, String topic) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, "*");
        return consumer;
    }

    private static DefaultMQProducer classicProducer(RocketMQ rocketmq, String group) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        return producer;
    }
}
