package learn.rocketmq.advanced.ordering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
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
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Partition ordering with the 5.x client: a FIFO topic, a <em>message group</em> per entity (the
 * sharding key: here the order id), and a consumer group created <em>orderly</em>. The producer
 * needs no queue selector: the server keeps a message group in one queue. The consumer needs no
 * special listener: the proxy hands out the next message of a message group only after the
 * previous one was acknowledged, while different message groups run in parallel.
 * Roadmap: 4.1 Message Ordering: Partition ordering.
 *
 * <p>Order is a property of the topic (FIFO), the sending (message group, one producer, sync) and
 * the consumer group (orderly). The wrong way beside the right way: the very same FIFO topic read
 * by a group created <em>without</em> orderly consumption is consumed concurrently, out of order.
 * The classic client: {@link PartitionOrdering}.
 * Run it: {@code ./lesson PartitionOrderingGrpc}.
 */
public class PartitionOrderingGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result right = run(rocketmq, "LessonPartitionOrderingGrpc", "lesson-partition-ordering-grpc", true, 6, 15);
        Result wrong = run(rocketmq, "LessonPartitionOrderingGrpcWrong", "lesson-partition-ordering-grpc-wrong", false, 6, 15);
        System.out.printf("Orderly group: %d message groups out of order. Concurrent group: %d.%n",
            right.keysOutOfOrder(), wrong.keysOutOfOrder());
    }

    public record Result(Map<String, List<Integer>> sequenceByKey, long keysOutOfOrder) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, boolean orderlyGroup, int keys, int steps)
        throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 4);
            admin.createConsumerGroup(group, orderlyGroup); // the switch that makes consumption ordered
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);
        int total = keys * steps;
        Map<String, List<Integer>> sequenceByKey = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(total);

        // Two consumers of the group, 8 threads each.
        List<PushConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            consumers.add(provider.newPushConsumerBuilder()
                .setClientConfiguration(configuration)
                .setConsumerGroup(group)
                .setConsumptionThreadCount(8)
                .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
                .setMessageListener((MessageView view) -> {
                    work(); // applying the step takes a little, varying time
                    String orderId = view.getMessageGroup().orElse("?");
                    int step = Integer.parseInt(view.getProperties().get("step"));
                    List<Integer> seq = sequenceByKey.computeIfAbsent(orderId, k -> new CopyOnWriteArrayList<>());
                    if (!seq.contains(step)) { // at-least-once: count a step once
                        seq.add(step);
                        all.countDown();
                    }
                    return ConsumeResult.SUCCESS;
                })
                .build());
        }
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            // Interleaved: order-0 step 1, order-1 step 1, ..., order-0 step 2, ...
            for (int step = 1; step <= steps; step++) {
                for (int k = 0; k < keys; k++) {
                    producer.send(provider.newMessageBuilder().setTopic(topic).setTag("TagA")
                        .setMessageGroup("order-" + k) // the sharding key: FIFO within it
                        .addProperty("step", String.valueOf(step))
                        .setBody(("step " + step).getBytes(StandardCharsets.UTF_8)).build());
                }
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 60 s.%n", total - all.getCount(), total);
            }
        } finally {
            // Each close waits for its pending long-poll: close them side by side.
            CompletableFuture.allOf(consumers.stream().map(c -> CompletableFuture.runAsync(() -> {
                try {
                    c.close();
                } catch (Exception e) {
                    System.out.println("closing a consumer: " + e);
                }
            })).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        Map<String, List<Integer>> sorted = new LinkedHashMap<>();
        sequenceByKey.keySet().stream().sorted().forEach(k -> sorted.put(k, List.copyOf(sequenceByKey.get(k))));
        long outOfOrder = sorted.values().stream().filter(s -> !Sequences.isAscending(s)).count();
        System.out.printf("%s group: %d message groups x %d steps; groups applied out of order: %d%n",
            orderlyGroup ? "Orderly" : "Concurrent", keys, steps, outOfOrder);
        sorted.forEach((k, s) -> System.out.printf("  %s: %s%n", k, s));
        return new Result(sorted, outOfOrder);
    }

    private static void work() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
