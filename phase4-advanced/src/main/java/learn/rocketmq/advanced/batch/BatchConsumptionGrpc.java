package learn.rocketmq.advanced.batch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * Batch consumption with the 5.x client. It has no batch listener: the batch is the
 * {@link SimpleConsumer}'s {@code receive(maxMessageNum, invisibleDuration)}, which returns up to
 * maxMessageNum messages in one call, each of them invisible to the group for invisibleDuration.
 * Each one is then acked on its own ({@code ack}, or {@code ackAsync} to ack a batch's messages in
 * parallel). There is no batch ack, and no status for the whole list as the classic listener has:
 * a message that is not acked comes back on its own, whatever happened to the rest of its batch.
 * Roadmap: 4.4 Batch Operations: Batch consumption.
 *
 * <p>What limits a batch (RocketMQ 5.5.0, as this lesson finds it):
 * <ul>
 *   <li>32 messages. Asking for more is no error: the proxy quietly lowers maxMessageNum to 32 and
 *   logs a warning, because the broker's pop refuses more than 32. Asking for 0 or less fails in the
 *   client ({@code IllegalArgumentException}).</li>
 *   <li>Bytes. For one receive the broker reads at most {@code maxTransferBytesOnMessageInMemory}
 *   (256 KiB) from each queue, so {@code receive(32, ...)} of 64 KiB messages gets 3 from a
 *   one-queue topic. One receive collects from all of a broker's queues, so a topic with more
 *   queues gives more per call.</li>
 *   <li>What is there. A receive that finds messages returns them at once; it does not wait to fill
 *   the batch. Only a receive that finds nothing waits, up to the consumer's awaitDuration.</li>
 * </ul>
 *
 * <p>The trade-off: all the messages of a batch share one invisible time, and it starts at the
 * receive. If each message takes t to process, a batch of N needs an invisible duration above
 * N &times; t (or {@code changeInvisibleDuration} for the messages still waiting their turn).
 * Otherwise the last ones become visible again while they wait or are being worked on. The group
 * then receives them again (here, our own next receive; in production, another consumer), so they
 * are processed twice, and the late ack fails with INVALID_RECEIPT_HANDLE. Bigger batches mean
 * fewer round trips, but a longer invisible duration, and so a longer wait before a crashed
 * consumer's messages come back.
 *
 * <p>The 5.x PushConsumer has no batch listener either. Its {@link MessageListener} gets one
 * message per call, and the client acks it by what the listener returns. The PushConsumer also
 * receives in batches (up to 32 per request, as the proxy tells it), into a local cache
 * ({@code setMaxCacheMessageCount}, 1024 messages by default, and
 * {@code setMaxCacheMessageSizeInBytes}, 64 MiB). It calls the listener from
 * {@code setConsumptionThreadCount} threads (20 by default). Those settings tune throughput, but a
 * listener still sees one message at a time. For one database write per N messages, use the
 * SimpleConsumer, or the classic client's {@code consumeMessageBatchMaxSize} ({@link BatchConsumption}).
 *
 * <p>Run it: {@code ./lesson BatchConsumptionGrpc} (about 25 s: the slow batch waits out the
 * default minimum invisible time of 10 s, and the broker brings the messages back about 3 s after
 * it). The classic client: {@link BatchConsumption}.
 */
public class BatchConsumptionGrpc {

    /** The most one receive returns, whatever it asks for (the 5.5.0 proxy and broker hard-code it). */
    public static final int MAX_MESSAGES_PER_RECEIVE = 32;

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Batches batches = receiveInBatches(rocketmq, "LessonBatchConsumptionGrpc", "lesson-batch-consumption-grpc", 100, 16,
            Duration.ofSeconds(30));
        System.out.printf("Done: %d messages received and acked in %d receives.%n", batches.received().size(), batches.calls().size());
        BigMessages big = receiveBigMessages(rocketmq, "LessonBatchConsumptionGrpcBig", "lesson-batch-consumption-grpc-big", 12, 64 * 1024);
        System.out.printf("Done: %d messages of %d KiB came %s per receive.%n", big.sizes().stream().mapToInt(Integer::intValue).sum(),
            big.bodyBytes() / 1024, big.sizes());
        SlowBatch slow = slowBatch(rocketmq, "LessonBatchConsumptionGrpcSlow", "lesson-batch-consumption-grpc-slow", 8, Duration.ofSeconds(10));
        System.out.printf("Done: %d of a batch of %d were received twice.%n", slow.cameBack().size(), slow.batch().size());
    }

    /** One received message: its key and which delivery attempt it was. */
    public record Received(String key, int attempt) {
    }

    /** One {@code receive(requested, ...)} call and what it returned. */
    public record Call(int requested, List<Received> messages) {
        public int received() {
            return messages.size();
        }
    }

    /** What {@link #receiveInBatches} sent and received, call by call. */
    public record Batches(List<String> sent, List<Call> calls, String zeroRefused) {
        public List<Received> received() {
            return calls.stream().flatMap(c -> c.messages().stream()).toList();
        }
    }

    /**
     * Sends {@code count} small messages to a 4-queue topic, then receives them in batches: first
     * one {@code receive(64, ...)}, over the cap, then {@code receive(maxMessageNum, ...)} until all
     * have arrived. The messages of each batch are acked in parallel ({@code ackAsync}).
     */
    public static Batches receiveInBatches(RocketMQ rocketmq, String topic, String group, int count, int maxMessageNum,
                                           Duration invisible) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createConsumerGroup(group, false);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        List<String> sent = send(rocketmq, provider, topic, count, "small message".getBytes(StandardCharsets.UTF_8));
        System.out.printf("Sent %d messages to %s (4 queues); all are waiting before the first receive.%n", count, topic);

        List<Call> calls = new ArrayList<>();
        String zeroRefused = null;
        try (SimpleConsumer consumer = simpleConsumer(rocketmq, provider, topic, group)) {
            // 1. The client checks maxMessageNum > 0 itself.
            try {
                consumer.receive(0, invisible);
            } catch (IllegalArgumentException e) {
                zeroRefused = e.getMessage();
                System.out.printf("receive(0): %s: %s%n", e.getClass().getSimpleName(), e.getMessage());
            }
            // 2. Over the cap: no error, just at most 32 messages.
            int overTheCap = 2 * MAX_MESSAGES_PER_RECEIVE;
            calls.add(receiveAndAck(consumer, overTheCap, invisible));
            // 3. The batches: each receive returns up to maxMessageNum of the waiting messages.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int received = calls.get(0).received();
            while (received < count && System.nanoTime() < deadline) {
                Call call = receiveAndAck(consumer, maxMessageNum, invisible);
                calls.add(call);
                received += call.received();
            }
        }
        return new Batches(sent, calls, zeroRefused);
    }

    private static Call receiveAndAck(SimpleConsumer consumer, int maxMessageNum, Duration invisible) throws ClientException {
        // Every message of this batch is now invisible to the group for `invisible`, from this moment.
        List<MessageView> batch = consumer.receive(maxMessageNum, invisible);
        List<Received> messages = batch.stream().map(BatchConsumptionGrpc::received).toList();
        // ... one database write for the whole batch would go here ...
        // One ack per message, sent in parallel; join() throws if any of them failed.
        CompletableFuture.allOf(batch.stream().map(consumer::ackAsync).toArray(CompletableFuture[]::new)).join();
        // (From several queues at once: the keys are not in send order.)
        List<String> keys = messages.stream().map(Received::key).toList();
        System.out.printf("receive(%d, %s) -> %2d messages %s, each acked%n", maxMessageNum, invisible, keys.size(),
            keys.size() <= 6 ? keys : keys.subList(0, 5) + " and " + (keys.size() - 5) + " more");
        return new Call(maxMessageNum, messages);
    }

    /** The broker's byte limit per queue read, the body size, and how many messages each receive returned. */
    public record BigMessages(long maxTransferBytesOnMessageInMemory, int bodyBytes, List<Integer> sizes) {
    }

    /** Sends {@code count} messages of {@code bodyBytes} to a one-queue topic and receives them with {@code receive(32, ...)}. */
    public static BigMessages receiveBigMessages(RocketMQ rocketmq, String topic, String group, int count, int bodyBytes)
        throws Exception {
        rocketmq.requireProxy();
        long maxTransferBytes;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group, false);
            BrokerData broker = admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values().iterator().next();
            Properties config = admin.api().getBrokerConfig(broker.getBrokerAddrs().get(MixAll.MASTER_ID));
            maxTransferBytes = Long.parseLong(config.getProperty("maxTransferBytesOnMessageInMemory"));
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        send(rocketmq, provider, topic, count, new byte[bodyBytes]);
        System.out.printf("Sent %d messages of %d KiB to %s (1 queue); the broker reads at most %d KiB per queue per receive.%n",
            count, bodyBytes / 1024, topic, maxTransferBytes / 1024);
        List<Integer> sizes = new ArrayList<>();
        try (SimpleConsumer consumer = simpleConsumer(rocketmq, provider, topic, group)) {
            int received = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received < count && System.nanoTime() < deadline) {
                Call call = receiveAndAck(consumer, MAX_MESSAGES_PER_RECEIVE, Duration.ofSeconds(30));
                if (call.received() > 0) {
                    sizes.add(call.received());
                }
                received += call.received();
            }
        }
        return new BigMessages(maxTransferBytes, bodyBytes, sizes);
    }

    /**
     * A batch too slow for its invisible time: what was received, what was acked in time, what the
     * group received again (with its delivery attempt, seconds after the batch's receive), and the
     * errors of the late acks.
     */
    public record SlowBatch(List<String> batch, List<String> ackedInTime, List<Received> cameBack, double cameBackAfterSeconds,
                            List<String> lateAckErrors) {
    }

    /**
     * Receives a batch of {@code size} messages with {@code invisible}; acks the first half at once,
     * and "still works on" the second half until the group has received those again. Then the late
     * acks of the first receipts fail, and the second deliveries are acked.
     */
    public static SlowBatch slowBatch(RocketMQ rocketmq, String topic, String group, int size, Duration invisible) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group, false);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        send(rocketmq, provider, topic, size, "slow work".getBytes(StandardCharsets.UTF_8));
        try (SimpleConsumer consumer = simpleConsumer(rocketmq, provider, topic, group)) {
            // 1. One batch; the invisible time of all its messages starts now.
            List<MessageView> batch = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (batch.size() < size && System.nanoTime() < deadline) {
                batch.addAll(consumer.receive(size, invisible));
            }
            long t0 = System.nanoTime();
            System.out.printf("Received a batch of %d, invisible for %s.%n", batch.size(), invisible);

            // 2. The first half is processed quickly, and acked well within the invisible time.
            List<MessageView> quick = batch.subList(0, batch.size() / 2);
            List<MessageView> slow = batch.subList(batch.size() / 2, batch.size());
            CompletableFuture.allOf(quick.stream().map(consumer::ackAsync).toArray(CompletableFuture[]::new)).join();
            List<String> ackedInTime = quick.stream().map(BatchConsumptionGrpc::key).toList();
            System.out.printf("  +%.1f s: processed and acked %s%n", seconds(t0), ackedInTime);

            // 3. The second half takes longer than the invisible time. Meanwhile the group receives
            //    again (here, this consumer; in production, any consumer of the group).
            List<String> slowKeys = slow.stream().map(BatchConsumptionGrpc::key).toList();
            System.out.printf("  still working on %s ...%n", slowKeys);
            List<Received> cameBack = new ArrayList<>();
            List<MessageView> secondDeliveries = new ArrayList<>();
            double cameBackAfter = 0;
            deadline = System.nanoTime() + invisible.plusSeconds(15).toNanos();
            while (cameBack.size() < slow.size() && System.nanoTime() < deadline) {
                for (MessageView view : consumer.receive(size, invisible)) {
                    cameBack.add(received(view));
                    secondDeliveries.add(view);
                    cameBackAfter = seconds(t0);
                    System.out.printf("  +%.1f s: the group received %s again (delivery attempt %d): processed twice%n",
                        cameBackAfter, key(view), view.getDeliveryAttempt());
                }
            }

            // 4. The slow work is done; its acks come too late: the receipts have expired.
            List<String> lateAckErrors = new ArrayList<>();
            for (MessageView view : slow) {
                try {
                    consumer.ack(view);
                    System.out.printf("  late ack of %s succeeded%n", key(view));
                } catch (ClientException e) {
                    lateAckErrors.add(e.getMessage());
                    System.out.printf("  +%.1f s: late ack of %s failed: %s%n", seconds(t0), key(view), e.getMessage());
                }
            }
            // 5. The second deliveries are acked, so they do not come a third time.
            for (MessageView view : secondDeliveries) {
                consumer.ack(view);
            }
            return new SlowBatch(batch.stream().map(BatchConsumptionGrpc::key).toList(), ackedInTime, cameBack, cameBackAfter,
                lateAckErrors);
        }
    }

    private static List<String> send(RocketMQ rocketmq, ClientServiceProvider provider, String topic, int count, byte[] body)
        throws Exception {
        List<String> keys = new ArrayList<>();
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration(rocketmq)).setTopics(topic).build()) {
            for (int i = 1; i <= count; i++) {
                String key = String.format("m-%03d", i);
                producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key).setBody(body).build());
                keys.add(key);
            }
        }
        // Sent is stored, but wait (bounded) until all are in the consume queues too, so that the
        // first receive finds every message waiting.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (admin.storedMessages(topic) < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return keys;
    }

    private static SimpleConsumer simpleConsumer(RocketMQ rocketmq, ClientServiceProvider provider, String topic, String group)
        throws ClientException {
        return provider.newSimpleConsumerBuilder()
            .setClientConfiguration(configuration(rocketmq))
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
            .setAwaitDuration(Duration.ofSeconds(1)) // how long a receive waits when nothing is there
            .build();
    }

    private static ClientConfiguration configuration(RocketMQ rocketmq) {
        return Clients.configuration(rocketmq);
    }

    private static Received received(MessageView view) {
        return new Received(key(view), view.getDeliveryAttempt());
    }

    private static String key(MessageView view) {
        return view.getKeys().iterator().next();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
