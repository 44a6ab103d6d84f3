package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.ConsumerQueues;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.Wait;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;

/**
 * Clustering vs broadcasting: what several consumers of one group do with a topic.
 * Roadmap: 3.2 Consumer Basics: Message consumption patterns.
 *
 * <ul>
 *   <li>{@code MessageModel.CLUSTERING} (the default): the group's consumers split the topic's
 *   queues between them (each queue to exactly one consumer), so each message is processed once by
 *   the group. Add consumers to scale out, up to one per queue. Offsets live in the broker.</li>
 *   <li>{@code MessageModel.BROADCASTING}: every consumer of the group gets every message (cache
 *   refresh, config push). Offsets live on each consumer's disk, failed messages are not retried,
 *   and the 5.x proxy clients do not support it.</li>
 * </ul>
 * Run it: {@code ./lesson ConsumptionPatterns}. Where a new group starts: {@link ConsumerStartPosition}.
 */
public class ConsumptionPatterns {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result clustering = run(rocketmq, "LessonClustering", "lesson-clustering", MessageModel.CLUSTERING, 20);
        Result broadcasting = run(rocketmq, "LessonBroadcasting", "lesson-broadcasting", MessageModel.BROADCASTING, 20);
        System.out.printf("Done: clustering split %s, broadcasting gave %s.%n", sizes(clustering), sizes(broadcasting));
    }

    /** For each consumer of the group: the keys it received and the queue ids it owned. */
    public record Result(Map<String, Set<String>> received, Map<String, Set<Integer>> queues) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, MessageModel model, int count) throws Exception {
        // Broadcasting consumers keep their offsets in local files, not on the broker (default
        // ~/.rocketmq_offsets; the stack points rocketmq.client.localOffsetStoreDir to a temp folder).
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        Map<String, Set<String>> received = new LinkedHashMap<>();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        try {
            // Two consumers of ONE group (two instance names: as if two processes).
            for (String name : List.of("consumer-1", "consumer-2")) {
                Set<String> keys = ConcurrentHashMap.newKeySet();
                received.put(name, keys);
                DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
                consumer.setInstanceName(group + "-" + name);
                Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
                consumer.setMessageModel(model);
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.subscribe(topic, "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                    for (MessageExt m : messages) {
                        keys.add(m.getKeys());
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                consumers.add(consumer);
            }
            // Wait (bounded) until the group has settled: in clustering the 4 queues split 2 + 2
            // (the rebalance runs on each consumer every 20 s by default, and when one joins or
            // leaves); in broadcasting each consumer reads all 4.
            int share = model == MessageModel.CLUSTERING ? 2 : 4;
            Wait.until(Duration.ofSeconds(30), "each consumer to own " + share + " queues",
                () -> consumers.stream().allMatch(c -> queues(c, topic).size() == share));
            Map<String, Set<Integer>> queues = new LinkedHashMap<>();
            for (int i = 0; i < consumers.size(); i++) {
                queues.put("consumer-" + (i + 1), queues(consumers.get(i), topic));
            }
            System.out.printf("%s: queues owned %s%n", model, queues);

            producer.start();
            for (int i = 1; i <= count; i++) {
                producer.send(new Message(topic, "TagA", "m-" + i, ("m-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            int expected = model == MessageModel.CLUSTERING ? count : 2 * count;
            Wait.until(Duration.ofSeconds(30), expected + " deliveries",
                () -> received.values().stream().mapToInt(Set::size).sum() >= expected);
            received.forEach((name, keys) -> System.out.printf("%s: %s received %d messages%n", model, name, keys.size()));
            return new Result(received, queues);
        } finally {
            producer.shutdown();
            consumers.forEach(DefaultMQPushConsumer::shutdown);
        }
    }

    /** The topic's queue ids this consumer owns right now. */
    private static Set<Integer> queues(DefaultMQPushConsumer consumer, String topic) {
        Set<Integer> ids = new TreeSet<>();
        ConsumerQueues.owned(consumer, topic).forEach(mq -> ids.add(mq.getQueueId()));
        return ids;
    }

    private static String sizes(Result result) {
        return result.received().values().stream().map(s -> String.valueOf(s.size())).toList().toString();
    }
}
