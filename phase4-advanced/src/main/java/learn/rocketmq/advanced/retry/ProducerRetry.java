package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.StackProfile;
import org.apache.rocketmq.client.hook.SendMessageContext;
import org.apache.rocketmq.client.hook.SendMessageHook;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * Retry policy on the producer (classic client): a synchronous send that fails is retried
 * {@code retryTimesWhenSendFailed} times (default 2, so 3 attempts), each on another queue,
 * preferring another broker; {@code retryTimesWhenSendAsyncFailed} for async sends;
 * {@code retryAnotherBrokerWhenNotStoreOK} (default false) also retries a send that was stored but
 * not flushed/replicated in time (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE), at
 * the price of duplicates: {@link RetryAnotherBroker} shows it on two brokers. Here a broker from
 * which the topic was removed (a stale route, as after a migration) shows every attempt, counted
 * by a send hook. The consumer side: {@link RetryPolicy}.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Retry policy configuration.
 *
 * <p>The broker must refuse to create topics on a send ({@code autoCreateTopicEnable=false}, as
 * production brokers are set): a default broker would create the removed topic again at the first
 * send, and nothing would fail. So {@code main} starts a broker of its own, set that way.
 * Run it: {@code ./lesson ProducerRetry}.
 */
public class ProducerRetry {

    public static void main(String[] args) throws Exception {
        System.out.println("Starting a broker with autoCreateTopicEnable=false (a few seconds)...");
        try (EmbeddedRocketMQ broker = EmbeddedRocketMQ.start(StackProfile.DEFAULTS, Map.of("autoCreateTopicEnable", "false"))) {
            ProducerResult result = run(broker.rocketMQ(), "LessonProducerRetry");
            System.out.printf("Done: %d attempt(s) without retries, %d with the default.%n", result.attemptsWithoutRetries(),
                result.attemptsWithDefaultRetries());
        }
    }

    /** Send attempts made with retryTimesWhenSendFailed = 0 and = 2 (the default). */
    public record ProducerResult(int attemptsWithoutRetries, String errorWithoutRetries, int attemptsWithDefaultRetries,
                                 String errorWithDefaultRetries) {
    }

    public static ProducerResult run(RocketMQ rocketmq, String topic) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            DefaultMQProducer noRetries = new DefaultMQProducer(topic + "-no-retries");
            noRetries.setNamesrvAddr(rocketmq.nameServer());
            noRetries.setRetryTimesWhenSendFailed(0);
            noRetries.start();
            DefaultMQProducer defaults = new DefaultMQProducer(topic + "-default-retries");
            defaults.setNamesrvAddr(rocketmq.nameServer());
            defaults.start();
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
}
