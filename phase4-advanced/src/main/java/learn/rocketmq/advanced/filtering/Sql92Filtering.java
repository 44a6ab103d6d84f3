package learn.rocketmq.advanced.filtering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * SQL92 filtering: a consumer group subscribes with a condition on the message's <em>user
 * properties</em> ({@code putUserProperty}), evaluated by the broker: comparisons ({@code >},
 * {@code <=}, {@code =}, {@code <>}), {@code BETWEEN a AND b}, {@code IN ('x', 'y')},
 * {@code IS NULL} / {@code IS NOT NULL}, {@code AND} / {@code OR} / {@code NOT}. Property values are
 * strings; numeric ones compare as numbers. With the classic client. With the 5.x client:
 * {@link Sql92FilteringGrpc}.
 * Roadmap: 4.3 Message Filtering: SQL92 filtering.
 *
 * <p>Things to notice:
 * <ul>
 *   <li>A message <em>without</em> the property matches neither {@code amount > 100} nor
 *   {@code NOT (amount > 100)}: a comparison with a missing value is unknown, never true. Only
 *   {@code IS NULL} finds it.</li>
 *   <li>The broker must have {@code enablePropertyFilter=true} (default false!). Without it the
 *   consumer does not even start: "The broker does not support consumer to filter message by SQL92".</li>
 *   <li>Tags are cheaper (a hash in the consume queue); SQL reads every message's properties on the
 *   broker (helped by a bloom filter with {@code enableCalcFilterBitMap}). Use a tag for the type,
 *   SQL for conditions on several attributes.</li>
 * </ul>
 * Run it: {@code ./lesson Sql92Filtering}.
 */
public class Sql92Filtering {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonSql92Filtering", "lesson-sql92-filtering");
    }

    public record Result(Map<String, Set<String>> receivedByExpression) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String groupPrefix) throws Exception {
        // One queue, one consuming thread per group: messages are seen in the order sent, so a
        // group that got a sentinel has passed everything before it.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
        }
        Map<String, Set<String>> received = new LinkedHashMap<>();
        CountDownLatch sentinelsSeen = new CountDownLatch(SqlFilterCases.EXPRESSIONS.size());
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        DefaultMQProducer producer = new DefaultMQProducer(groupPrefix + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        try {
            for (int i = 0; i < SqlFilterCases.EXPRESSIONS.size(); i++) {
                String expression = SqlFilterCases.EXPRESSIONS.get(i);
                Set<String> keys = new ConcurrentSkipListSet<>();
                received.put(expression, keys);
                DefaultMQPushConsumer consumer = consumer(rocketmq, groupPrefix + "-" + i);
                consumer.subscribe(topic, MessageSelector.bySql(expression)); // one group per condition
                consumer.registerMessageListener(ConsumerProgress.keysUntilSentinel(keys, sentinelsSeen));
                consumer.start();
                consumers.add(consumer);
            }
            producer.start();
            Map<String, Map<String, String>> all = new LinkedHashMap<>(SqlFilterCases.MESSAGES);
            all.putAll(SqlFilterCases.SENTINELS);
            for (Map.Entry<String, Map<String, String>> e : all.entrySet()) {
                Message m = new Message(topic, "order", e.getKey(), e.getKey().getBytes(StandardCharsets.UTF_8));
                e.getValue().forEach(m::putUserProperty); // the properties the broker filters on
                producer.send(m);
            }
            SqlFilterCases.MESSAGES.forEach((k, p) -> System.out.printf("Sent %s %s%n", k, p));
            if (!sentinelsSeen.await(30, TimeUnit.SECONDS)) {
                System.out.println("Not every group saw a sentinel within 30 s.");
            }
        } finally {
            producer.shutdown();
            consumers.forEach(DefaultMQPushConsumer::shutdown);
        }
        received.forEach((e, keys) -> System.out.printf("  %-50s -> %s%n", e, keys));
        System.out.println("m6-no-properties matched only 'coupon IS NULL': a missing property makes a comparison unknown.");
        return new Result(received);
    }

    /**
     * On a broker started with {@code enablePropertyFilter=false}: the consumer fails to start.
     * Returns the error, in one line.
     */
    public static String withoutPropertyFilter(RocketMQ rocketmqWithoutSql, String topic, String group) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmqWithoutSql)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
        }
        DefaultMQPushConsumer consumer = consumer(rocketmqWithoutSql, group);
        try {
            consumer.subscribe(topic, MessageSelector.bySql("amount > 100"));
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) ->
                ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            consumer.start();
            return "started";
        } catch (Exception e) {
            String hint = Hints.explain(e);
            System.out.println("A SQL92 consumer on a broker with enablePropertyFilter=false: " + hint);
            return hint;
        } finally {
            consumer.shutdown();
        }
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(1);
        consumer.setConsumeThreadMax(1);
        return consumer;
    }
}
