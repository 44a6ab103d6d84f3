package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.body.ConsumerConnection;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;

/**
 * A classic consumer, created and configured on purpose: its group, the NameServer, what it
 * subscribes to, where a new group starts, the message model, its threads and flow control, how
 * often a failing message is retried; then started (the broker now lists it as a member of the
 * group), used and shut down (and gone from the broker's list).
 * Roadmap: 3.2 Consumer Basics: Create a Consumer instance.
 *
 * <p>Run it: {@code ./lesson CreateConsumer}. The 5.x consumers: {@link CreateConsumerGrpc}.
 */
public class CreateConsumer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonCreateConsumer", "lesson-create-consumer", 30_000);
        System.out.printf("Done: %s after start, %s after shutdown.%n", result.stateAfterStart(), result.stateAfterShutdown());
    }

    /**
     * The consumer's settings as it reports them, its life cycle, what the broker saw while it ran
     * and the message it received; whether the broker still listed the group after shutdown.
     */
    public record Result(DefaultMQPushConsumer consumer, ServiceState stateAfterStart, ConsumerConnection seenByBroker,
                         String received, ServiceState stateAfterShutdown, boolean onlineAfterShutdown) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int routeRefreshMillis) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            // 1. The group: consumers of one group share the work (and must subscribe alike).
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
            // 2. The NameServer(s): where the consumer learns which brokers hold the topic.
            consumer.setNamesrvAddr(rocketmq.nameServer());
            //    Each pull carries the subscription, so the broker does not compare versions: in
            //    5.5.0 a new consumer otherwise stalls up to heartbeatBrokerInterval (30 s) when its
            //    first rebalance meets the periodic heartbeat (docs/rocketmq-5.5-behaviour.md).
            consumer.setPostSubscriptionWhenPull(true);
            // 3. What to read: topic and tag expression.
            consumer.subscribe(topic, "*");
            // 4. Where a brand-new group starts (see ConsumerStartPosition), and the model:
            //    CLUSTERING shares the queues, BROADCASTING gives each consumer everything.
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setMessageModel(MessageModel.CLUSTERING);
            // 5. Work: listener threads (default 20), messages fetched per pull (default 32), and
            //    flow control: stop pulling a queue while 500 of its messages wait (default 1000).
            consumer.setConsumeThreadMin(8);
            consumer.setConsumeThreadMax(8);
            consumer.setPullBatchSize(16);
            consumer.setPullThresholdForQueue(500);
            // 6. Failure handling: retries before the dead-letter queue (default 16), and how
            //    long a listener call may take before the message is redelivered (default 15 min).
            consumer.setMaxReconsumeTimes(3);
            consumer.setConsumeTimeout(5);
            // 7. How often to refresh routes and heartbeat the broker (default 30 s each).
            consumer.setPollNameServerInterval(routeRefreshMillis);
            consumer.setHeartbeatBrokerInterval(routeRefreshMillis);

            CompletableFuture<String> received = new CompletableFuture<>();
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                received.complete(messages.get(0).getKeys());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            System.out.printf("Created consumer of group %s: %s, %s, %d threads, pull batch %d, max %d retries,"
                    + " consume timeout %d min.%n", consumer.getConsumerGroup(), consumer.getMessageModel(),
                consumer.getConsumeFromWhere(), consumer.getConsumeThreadMin(), consumer.getPullBatchSize(),
                consumer.getMaxReconsumeTimes(), consumer.getConsumeTimeout());

            // 8. start(): registers with the broker (heartbeat), gets its queues, starts pulling.
            consumer.start();
            ServiceState afterStart = consumer.getDefaultMQPushConsumerImpl().getServiceState();
            ConsumerConnection seen;
            String key;
            try {
                // The broker knows the group's members and their subscriptions (mqadmin consumerConnection).
                seen = admin.api().examineConsumerConnectionInfo(group);
                System.out.printf("Started (%s). The broker lists %d consumer(s) in the group, subscribed to %s.%n",
                    afterStart, seen.getConnectionSet().size(), seen.getSubscriptionTable().keySet());

                DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
                producer.setNamesrvAddr(rocketmq.nameServer());
                producer.start();
                try {
                    producer.send(new Message(topic, "TagA", "hello-consumer", "hello".getBytes(StandardCharsets.UTF_8)));
                } finally {
                    producer.shutdown();
                }
                key = received.get(30, TimeUnit.SECONDS);
                System.out.println("Received " + key);
            } finally {
                // 9. shutdown(): stops pulling, saves offsets, unregisters from the broker.
                consumer.shutdown();
            }
            ServiceState afterShutdown = consumer.getDefaultMQPushConsumerImpl().getServiceState();
            boolean online = isOnline(admin, group);
            System.out.printf("Shut down (%s); the broker still lists the group: %s.%n", afterShutdown, online);
            return new Result(consumer, afterStart, seen, key, afterShutdown, online);
        }
    }

    /** Whether the broker lists any consumer of the group (after a bounded wait for it to drop). */
    private static boolean isOnline(RocketMQAdmin admin, String group) throws Exception {
        boolean dropped = Wait.until(Duration.ofSeconds(10), "the broker to drop the group", () -> {
            try {
                admin.api().examineConsumerConnectionInfo(group);
                return false; // still listed
            } catch (Exception e) {
                System.out.println("  asking the broker now: " + Hints.explain(e));
                return true; // "the consumer group not online"
            }
        });
        return !dropped;
    }
}
