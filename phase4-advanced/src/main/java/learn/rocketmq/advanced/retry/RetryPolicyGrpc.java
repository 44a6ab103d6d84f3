package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.subscription.ExponentialRetryPolicy;
import org.apache.rocketmq.remoting.protocol.subscription.GroupRetryPolicy;
import org.apache.rocketmq.remoting.protocol.subscription.GroupRetryPolicyType;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;

/**
 * Consumer retry with the 5.x client, and where its policy lives: not in the client's code but in
 * the <em>consumer group</em> on the server. The proxy hands every consumer of the group its
 * backoff policy: max attempts ({@code retryMaxTimes} + 1, default 16 + 1) and the delay before
 * each retry, either CUSTOMIZED (a list: 1 s, 5 s, 10 s, 30 s, 1 min ... by default) or EXPONENTIAL
 * ({@code initial * multiplier^(attempt-1)}, capped at {@code max}). Change the group
 * ({@code mqadmin updateSubGroup}) and every consumer follows, no redeploy.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Retry policy configuration; 4.5 Message Retry &amp; DLQ: Consumer retry mechanism.
 *
 * <p>The listener fails a message by returning {@link ConsumeResult#FAILURE} or by throwing. The
 * client then makes the message invisible for the backoff delay; after it the message is delivered
 * again with {@link MessageView#getDeliveryAttempt()} one higher (the server adds a second or two
 * to the backoff: it revives invisible messages in rounds). When a message that failed its last
 * attempt comes round again, the server moves it to {@code %DLQ%<group>} instead, the same DLQ the
 * classic client uses ({@link DeadLetterQueue}).
 * Run it: {@code ./lesson RetryPolicyGrpc}. The classic client: {@link ConsumerRetry}, {@link RetryPolicy}.
 */
public class RetryPolicyGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonRetryPolicyGrpc", "lesson-retry-policy-grpc", 2, 1000);
        System.out.printf("Done: %d deliveries, %d message(s) in the DLQ.%n", result.deliveries().size(), result.deadLetters());
    }

    public record Delivery(String key, int attempt, long atMillis) {
    }

    public record Result(List<Delivery> deliveries, long deadLetters) {
        public List<Delivery> of(String key) {
            return deliveries.stream().filter(d -> d.key().equals(key)).toList();
        }
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int retryMaxTimes, long initialBackoffMillis)
        throws Exception {
        rocketmq.requireProxy();
        // 1. The group carries the policy: at most retryMaxTimes retries, exponential backoff.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            SubscriptionGroupConfig config = new SubscriptionGroupConfig();
            config.setGroupName(group);
            config.setRetryMaxTimes(retryMaxTimes);
            GroupRetryPolicy policy = new GroupRetryPolicy();
            policy.setType(GroupRetryPolicyType.EXPONENTIAL);
            policy.setExponentialRetryPolicy(new ExponentialRetryPolicy(initialBackoffMillis, 60_000, 2));
            config.setGroupRetryPolicy(policy);
            for (BrokerData broker : admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values()) {
                admin.api().createAndUpdateSubscriptionGroupConfig(broker.getBrokerAddrs().get(MixAll.MASTER_ID), config);
            }
        }
        System.out.printf("Group %s: %d attempts at most, exponential backoff: %d ms, x2 each time (%s).%n", group,
            retryMaxTimes + 1, initialBackoffMillis, java.util.stream.IntStream.rangeClosed(1, retryMaxTimes)
                .mapToObj(n -> "before attempt " + (n + 1) + ": " + initialBackoffMillis * (1L << (n - 1)) + " ms")
                .collect(java.util.stream.Collectors.joining(", ")));

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);
        long t0 = System.currentTimeMillis();
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        // 2. "always-fails" returns FAILURE every time (it ends in the DLQ); "succeeds-last" throws
        //    until its last allowed attempt, and succeeds on that one.
        int maxAttempts = retryMaxTimes + 1;
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
            .setMessageListener((MessageView view) -> {
                String key = view.getKeys().iterator().next();
                Delivery d = new Delivery(key, view.getDeliveryAttempt(), System.currentTimeMillis() - t0);
                deliveries.add(d);
                if (key.equals("always-fails")) {
                    System.out.printf("  +%5d ms  %s attempt %d -> FAILURE%n", d.atMillis(), key, d.attempt());
                    return ConsumeResult.FAILURE;
                }
                if (d.attempt() < maxAttempts) {
                    System.out.printf("  +%5d ms  %s attempt %d -> throws%n", d.atMillis(), key, d.attempt());
                    throw new IllegalStateException("payment service timed out (simulated)");
                }
                System.out.printf("  +%5d ms  %s attempt %d -> SUCCESS%n", d.atMillis(), key, d.attempt());
                return ConsumeResult.SUCCESS;
            })
            .build();
        long deadLetters = 0;
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            for (String key : List.of("always-fails", "succeeds-last")) {
                producer.send(provider.newMessageBuilder().setTopic(topic).setTag("TagA").setKeys(key)
                    .setBody(key.getBytes(StandardCharsets.UTF_8)).build());
            }
            // 3. Wait (bounded) for the dead letter and the success.
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                Wait.until(Duration.ofSeconds(60), "the dead letter and the last attempt's success",
                    () -> admin.storedMessages(MixAll.getDLQTopic(group)) > 0
                        && deliveries.stream().anyMatch(d -> d.key().equals("succeeds-last") && d.attempt() == maxAttempts));
                deadLetters = admin.storedMessages(MixAll.getDLQTopic(group));
            }
            System.out.printf("%s holds %d message(s) after %d attempts of always-fails.%n", MixAll.getDLQTopic(group),
                deadLetters, retryMaxTimes + 1);
        } finally {
            long closing = System.currentTimeMillis();
            consumer.close();
            System.out.printf("(closed the consumer in %d ms, at +%d ms)%n", System.currentTimeMillis() - closing,
                System.currentTimeMillis() - t0);
        }
        return new Result(deliveries, deadLetters);
    }
}
