package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.advanced.transactions.DistributedTransaction;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A send can succeed and still not be {@code SEND_OK}. A broker that stored the message but could
 * not make it safe in time answers {@code FLUSH_DISK_TIMEOUT} (SYNC_FLUSH: not on disk yet) or
 * {@code FLUSH_SLAVE_TIMEOUT} / {@code SLAVE_NOT_AVAILABLE} (SYNC_MASTER: no replica has it yet).
 * The message <em>is</em> stored on that master, so by default the classic producer returns that
 * status and does not retry ({@code retryAnotherBrokerWhenNotStoreOK=false}).
 *
 * <p>With {@code setRetryAnotherBrokerWhenNotStoreOK(true)} it treats such a status like a failure
 * and sends again, to another broker ({@code retryTimesWhenSendFailed} more attempts at most). Every
 * send then ends {@code SEND_OK} on a broker that made it safe, but the first copy stays on the
 * first broker: consumers get that message <b>twice</b>. That is the trade: durability of each
 * copy against duplicates, and consumers must be idempotent anyway (by key, as in
 * {@link DistributedTransaction}).
 *
 * <p>The cluster here: broker-a is a SYNC_MASTER that needs one replica to acknowledge every write
 * ({@code inSyncReplicas=2}) and whose slave is down (never started), so each write waits
 * {@code slaveTimeout} and ends {@code FLUSH_SLAVE_TIMEOUT}; broker-b is an ordinary ASYNC_MASTER.
 * In RocketMQ 5.x a SYNC_MASTER with the default {@code inSyncReplicas=1} does not wait for its
 * slave at all. The topic has queues on both; the producer takes them in turn.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Retry policy configuration.
 *
 * <p>Run it: {@code ./lesson RetryAnotherBroker}. It needs two brokers with these settings, so it
 * always starts a cluster of its own (about 6 s).
 */
public class RetryAnotherBroker {

    /** broker-a: a SYNC_MASTER that waits for one replica, whose slave is down. */
    public static final Map<String, String> SYNC_MASTER_WITHOUT_SLAVE =
        Map.of("brokerRole", "SYNC_MASTER", "inSyncReplicas", "2", "slaveTimeout", "400");
    /** broker-b: a second master of the same cluster, with broker.conf's settings (ASYNC_MASTER). */
    public static final Map<String, String> SECOND_MASTER = Map.of("brokerName", "broker-b");

    public static void main(String[] args) throws Exception {
        System.out.println("Starting a cluster of two masters: broker-a (SYNC_MASTER, slave down), broker-b ...");
        try (EmbeddedRocketMQ cluster = EmbeddedRocketMQ.start(StackProfile.DEFAULTS, SYNC_MASTER_WITHOUT_SLAVE);
             RocketMQServer brokerB = cluster.startBroker(SECOND_MASTER)) {
            run(cluster.rocketMQ(), "LessonRetryAnotherBroker", 6);
        }
    }

    /**
     * One run of N sends and what came of it.
     *
     * @param statuses      the SendStatus each send() returned, counted
     * @param storedByBroker messages each broker stored for the topic
     * @param deliveries    messages a consumer of the topic received
     * @param distinctKeys  different message keys among them (N: every message arrived)
     */
    public record Outcome(Map<SendStatus, Integer> statuses, Map<String, Long> storedByBroker, int deliveries,
                          long distinctKeys) {
        public long stored() {
            return storedByBroker.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public record Result(Outcome byDefault, Outcome retryAnotherBroker) {
    }

    public static Result run(RocketMQ rocketmq, String prefix, int messages) throws Exception {
        System.out.println("--- 1. Default: a stored-but-not-replicated send is returned as it is");
        Outcome byDefault = sendAndConsume(rocketmq, prefix + "-default", false, messages);
        System.out.println("--- 2. retryAnotherBrokerWhenNotStoreOK=true: it is sent again, to broker-b");
        Outcome retried = sendAndConsume(rocketmq, prefix + "-retry", true, messages);
        System.out.printf("Default: %d messages stored, %d delivered, but %d send(s) were not SEND_OK.%n",
            byDefault.stored(), byDefault.deliveries(), messages - byDefault.statuses().getOrDefault(SendStatus.SEND_OK, 0));
        System.out.printf("Retry another broker: every send SEND_OK, but %d copies stored and delivered for %d"
            + " messages: the consumer must drop duplicates by key.%n", retried.stored(), messages);
        return new Result(byDefault, retried);
    }

    static Outcome sendAndConsume(RocketMQ rocketmq, String topic, boolean retryAnotherBroker, int messages)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 2); // 2 queues on each master
            DefaultMQProducer producer = new DefaultMQProducer(topic + "-producer");
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.setRetryAnotherBrokerWhenNotStoreOK(retryAnotherBroker);
            producer.start();
            Map<SendStatus, Integer> statuses = new TreeMap<>();
            try {
                for (int i = 1; i <= messages; i++) {
                    Message message = new Message(topic, ("order " + i).getBytes(StandardCharsets.UTF_8));
                    message.setKeys("order-" + i);
                    long t0 = System.nanoTime();
                    SendResult result = producer.send(message);
                    statuses.merge(result.getSendStatus(), 1, Integer::sum);
                    System.out.printf("  order-%d -> %s: %s after %d ms%n", i, result.getMessageQueue().getBrokerName(),
                        result.getSendStatus(), (System.nanoTime() - t0) / 1_000_000);
                }
            } finally {
                producer.shutdown();
            }
            // send() returned: whatever it stored is in the brokers' queues now.
            Map<String, Long> stored = admin.storedMessagesPerBroker(topic);
            System.out.printf("  stored per broker: %s%n", stored);
            List<String> keys = consumeAll(rocketmq, topic, stored.values().stream().mapToLong(Long::longValue).sum());
            return new Outcome(statuses, stored, keys.size(), keys.stream().distinct().count());
        }
    }

    /** The keys of every message a new consumer group reads from the start of the topic. */
    private static List<String> consumeAll(RocketMQ rocketmq, String topic, long expected) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(topic + "-reader");
        consumer.setNamesrvAddr(rocketmq.nameServer());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.start();
        List<String> keys = new ArrayList<>();
        try {
            Wait.until(Duration.ofSeconds(20), expected + " messages", () -> {
                consumer.poll(500).forEach(m -> keys.add(m.getKeys()));
                return keys.size() >= expected;
            });
        } finally {
            consumer.shutdown();
        }
        System.out.printf("  a consumer received %d message(s): %s%n", keys.size(), keys);
        return keys;
    }
}
