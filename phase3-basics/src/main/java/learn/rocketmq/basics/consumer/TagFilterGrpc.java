package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Tag filtering with the 5.x client: the subscription is a {@link FilterExpression} of type
 * {@link FilterExpressionType#TAG}, the same {@code "Paid || Shipped"} syntax. The proxy and broker
 * filter; the consumer receives the wanted tags only.
 * Roadmap: 3.2 Consumer Basics: Consumer tags filtering.
 *
 * <p>Run it: {@code ./lesson TagFilterGrpc}. The classic way: {@link TagFilter}.
 */
public class TagFilterGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonTagFilterGrpc", "lesson-tag-filter-grpc", "Paid || Shipped");
        System.out.printf("Done: subscribed to \"Paid || Shipped\", received %s.%n", result.receivedTags());
    }

    /** The tags sent, twice each. */
    static final List<String> TAGS = List.of("Created", "Paid", "Shipped", "Cancelled");

    public record Result(List<String> sentKeys, Set<String> receivedKeys, Set<String> receivedTags) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, String expression) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group);
        }
        Set<String> wanted = Set.of(expression.split("\\s*\\|\\|\\s*"));
        int expected = (int) TAGS.stream().filter(wanted::contains).count() * 2;

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        Set<String> receivedKeys = ConcurrentHashMap.newKeySet();
        Set<String> receivedTags = ConcurrentHashMap.newKeySet();
        CountDownLatch allWanted = new CountDownLatch(expected);
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            // The filter: tags joined with "||", type TAG ("*" = all tags).
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression(expression, FilterExpressionType.TAG)))
            .setMessageListener(view -> {
                String key = view.getKeys().iterator().next();
                String tag = view.getTag().orElse("");
                System.out.printf("  received %s (tag %s)%n", key, tag);
                receivedTags.add(tag);
                if (receivedKeys.add(key)) {
                    allWanted.countDown();
                }
                return ConsumeResult.SUCCESS;
            })
            .build();

        List<String> sent = new ArrayList<>();
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            for (int round = 1; round <= 2; round++) {
                for (String tag : TAGS) {
                    String key = tag + "-" + round;
                    producer.send(provider.newMessageBuilder().setTopic(topic).setTag(tag).setKeys(key)
                        .setBody(("order " + key).getBytes(StandardCharsets.UTF_8)).build());
                    sent.add(key);
                }
            }
            System.out.printf("Sent %s; the consumer subscribed to \"%s\".%n", sent, expression);
            if (!allWanted.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d wanted messages arrived within 30 s.%n", receivedKeys.size(), expected);
            }
        } finally {
            consumer.close(); // waits for its pending long-poll (up to 20 s with default proxy settings)
        }
        System.out.printf("Received tags %s: the others were filtered out.%n", receivedTags);
        return new Result(sent, receivedKeys, receivedTags);
    }
}
