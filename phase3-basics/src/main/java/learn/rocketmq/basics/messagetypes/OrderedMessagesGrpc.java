package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
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
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Ordered (FIFO) messages with the 5.x client: no queue selector here. A message carries a
 * <em>message group</em> (here the order id); the producer sends to a topic of type FIFO and
 * puts all messages of one group into one queue (it hashes the group), and a consumer group created with
 * {@code orderly=true} gets one group's next message only after the previous one was acknowledged.
 * Different message groups are consumed in parallel. Three things must line up: a FIFO topic, a
 * message group on every message (the proxy rejects a FIFO-topic message without one), an orderly
 * consumer group (otherwise the messages arrive, but concurrently, in no guaranteed order).
 * Roadmap: 3.3 Message Types: Ordered messages.
 *
 * <p>Run it: {@code ./lesson OrderedMessagesGrpc}. The classic way: {@link OrderedMessages}.
 */
public class OrderedMessagesGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonOrderedMessagesGrpc", "lesson-ordered-messages-grpc", 5, 4);
        System.out.printf("Done: every order's steps arrived in the order they were sent: %s%n", result.inOrder());
    }

    /**
     * @param receivedByOrder for each order (message group), its steps in the order the consumer processed them
     * @param consumerThreads the consumer threads that processed messages
     */
    public record Result(Map<String, List<Integer>> receivedByOrder, Set<String> consumerThreads) {

        public boolean inOrder() {
            for (List<Integer> steps : receivedByOrder.values()) {
                for (int i = 0; i < steps.size(); i++) {
                    if (steps.get(i) != i + 1) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int orders, int steps) throws Exception {
        rocketmq.requireProxy();
        // 1. A FIFO topic and an orderly consumer group.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 4);
            admin.createConsumerGroup(group, true);
        }
        System.out.printf("Topic %s (FIFO) and group %s (orderly) are ready.%n", topic, group);

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // 2. The push consumer looks the same as for normal messages: the ordering comes from the
        //    group's setting (orderly) and the messages' groups, not from the listener type.
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        Set<String> seenIds = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch allReceived = new CountDownLatch(orders * steps);
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
            .setMessageListener((MessageView view) -> {
                if (seenIds.add(view.getMessageId().toString())) { // at-least-once: process each message once
                    String orderId = view.getMessageGroup().orElseThrow();
                    int step = Integer.parseInt(view.getProperties().get("step"));
                    received.computeIfAbsent(orderId, k -> Collections.synchronizedList(new ArrayList<>())).add(step);
                    threads.add(Thread.currentThread().getName());
                    System.out.printf("  %s step %d (thread %s)%n", orderId, step, Thread.currentThread().getName());
                    allReceived.countDown();
                }
                return ConsumeResult.SUCCESS;
            })
            .build();

        // 3. The producer: the message group is the ordering key. Steps of all orders interleaved.
        try (Producer producer = provider.newProducerBuilder()
            .setClientConfiguration(configuration)
            .setTopics(topic)
            .build()) {
            for (int step = 1; step <= steps; step++) {
                for (int o = 1; o <= orders; o++) {
                    String orderId = "order-" + o;
                    Message message = provider.newMessageBuilder()
                        .setTopic(topic)
                        .setTag("OrderStep")
                        .setKeys(orderId)
                        .setMessageGroup(orderId)
                        .addProperty("step", String.valueOf(step))
                        .setBody((orderId + " step " + step).getBytes(StandardCharsets.UTF_8))
                        .build();
                    producer.send(message);
                    System.out.printf("Sent %s step %d (message group %s)%n", orderId, step, orderId);
                }
            }
            if (!allReceived.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 30 s.%n", orders * steps - allReceived.getCount(), orders * steps);
            }
        } finally {
            // close() waits for the pending long-poll to return (up to 20 s with default proxy settings).
            System.out.println("Closing the consumer (it waits for its pending long-poll, up to 20 s)...");
            consumer.close();
        }
        return new Result(received, threads);
    }
}
