package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The two 5.x consumers, created and configured: a {@link PushConsumer} (a listener, a thread
 * count, a local cache limit) and a {@link SimpleConsumer} (no listener: you call receive; a
 * long-polling wait). Both need the proxy endpoint and an existing consumer group, and
 * {@code build()} starts them; {@code close()} stops them.
 * Roadmap: 3.2 Consumer Basics: Create a Consumer instance.
 *
 * <p>Subscriptions are a map of topic to {@link FilterExpression} (TAG or SQL92); a simple
 * consumer can change them while running ({@code subscribe}, {@code unsubscribe}).
 * Run it: {@code ./lesson CreateConsumerGrpc}. The classic consumer: {@link CreateConsumer}.
 */
public class CreateConsumerGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonCreateConsumerGrpc", "lesson-create-consumer-grpc");
        System.out.printf("Done: push consumer received %s.%n", result.pushReceived());
    }

    /**
     * What the push consumer received, the groups and subscriptions the consumers report, and
     * the simple consumer's subscriptions after subscribe/unsubscribe at run time.
     */
    public record Result(String pushGroup, String pushReceived, String simpleGroup,
                         Map<String, FilterExpression> simpleSubscriptions, Map<String, FilterExpression> afterChange) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        rocketmq.requireProxy();
        String otherTopic = topic + "-other";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createTopic(otherTopic, TopicMessageType.NORMAL, 4);
            // 5.x consumer groups are created up front too (one per kind of consumer).
            admin.createConsumerGroup(group + "-push");
            admin.createConsumerGroup(group + "-simple");
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = ClientConfiguration.newBuilder()
            .setEndpoints(rocketmq.proxy()).setRequestTimeout(Duration.ofSeconds(5)).build();

        // 1. The push consumer: group, subscriptions, listener, and its resources: threads that
        //    run the listener (default 20) and how many messages it may cache locally (default 1024).
        CompletableFuture<String> received = new CompletableFuture<>();
        PushConsumer push = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group + "-push")
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("TagA", FilterExpressionType.TAG)))
            .setConsumptionThreadCount(4)
            .setMaxCacheMessageCount(64)
            .setMessageListener(view -> {
                received.complete(view.getKeys().iterator().next());
                return ConsumeResult.SUCCESS;
            })
            .build(); // created and started
        String pushReceived;
        try (push; Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            System.out.printf("Push consumer of group %s started, subscribed to %s.%n", push.getConsumerGroup(),
                push.getSubscriptionExpressions().keySet());
            producer.send(provider.newMessageBuilder().setTopic(topic).setTag("TagA").setKeys("hello-push")
                .setBody("hello".getBytes(StandardCharsets.UTF_8)).build());
            pushReceived = received.get(30, TimeUnit.SECONDS);
            System.out.println("The push consumer's listener got " + pushReceived);
        }

        // 2. The simple consumer: group, subscriptions, and how long receive() may wait
        //    (long polling) when nothing is there.
        String simpleGroup;
        Map<String, FilterExpression> subscriptions;
        Map<String, FilterExpression> afterChange;
        try (SimpleConsumer simple = provider.newSimpleConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group + "-simple")
            // A mutable map: the consumer keeps it and subscribe()/unsubscribe() change it
            // (with Map.of they throw UnsupportedOperationException).
            .setSubscriptionExpressions(new HashMap<>(Map.of(topic, FilterExpression.SUB_ALL)))
            .setAwaitDuration(Duration.ofSeconds(1))
            .build()) {
            simpleGroup = simple.getConsumerGroup();
            subscriptions = Map.copyOf(simple.getSubscriptionExpressions());
            System.out.printf("Simple consumer of group %s started, subscribed to %s.%n", simpleGroup, subscriptions.keySet());
            // 3. Subscriptions can change at run time.
            simple.subscribe(otherTopic, new FilterExpression("TagB || TagC", FilterExpressionType.TAG));
            simple.unsubscribe(topic);
            afterChange = Map.copyOf(simple.getSubscriptionExpressions());
            System.out.println("After subscribe(other) and unsubscribe(first): " + afterChange.keySet());
        } catch (Exception e) {
            System.out.println("The simple consumer failed: " + Hints.explain(e));
            throw e;
        }
        return new Result(push.getConsumerGroup(), pushReceived, simpleGroup, subscriptions, afterChange);
    }
}
