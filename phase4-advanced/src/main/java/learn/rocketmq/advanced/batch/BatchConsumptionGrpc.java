package learn.rocketmq.advanced.batch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import learn.rocketmq.advanced.batch.SimpleConsumerBatches.Received;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.common.attribute.TopicMessageType;

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
 *   <li>Bytes: {@link BatchByteLimitGrpc}.</li>
 *   <li>What is there. A receive that finds messages returns them at once; it does not wait to fill
 *   the batch. Only a receive that finds nothing waits, up to the consumer's awaitDuration.</li>
 * </ul>
 *
 * <p>The trade-off: all the messages of a batch share one invisible time, from the receive
 * ({@link SlowBatchGrpc} shows a batch too slow for it).
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
 * <p>Run it: {@code ./lesson BatchConsumptionGrpc}. The classic client: {@link BatchConsumption}.
 */
public class BatchConsumptionGrpc {

    /** The most one receive returns, whatever it asks for (the 5.5.0 proxy and broker hard-code it). */
    public static final int MAX_MESSAGES_PER_RECEIVE = 32;

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Batches batches = run(rocketmq, "LessonBatchConsumptionGrpc", "lesson-batch-consumption-grpc", 100, 16,
            Duration.ofSeconds(30));
        System.out.printf("Done: %d messages received and acked in %d receives.%n", batches.received().size(), batches.calls().size());
    }

    /** One {@code receive(requested, ...)} call and what it returned. */
    public record Call(int requested, List<Received> messages) {
        public int received() {
            return messages.size();
        }
    }

    /** What {@link #run} sent and received, call by call. */
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
    public static Batches run(RocketMQ rocketmq, String topic, String group, int count, int maxMessageNum,
                              Duration invisible) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createConsumerGroup(group, false);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        List<String> sent = SimpleConsumerBatches.send(rocketmq, provider, topic, count, "small message".getBytes(StandardCharsets.UTF_8));
        System.out.printf("Sent %d messages to %s (4 queues); all are waiting before the first receive.%n", count, topic);

        List<Call> calls = new ArrayList<>();
        String zeroRefused = null;
        try (SimpleConsumer consumer = SimpleConsumerBatches.simpleConsumer(rocketmq, provider, topic, group)) {
            // 1. The client checks maxMessageNum > 0 itself.
            try {
                consumer.receive(0, invisible);
            } catch (IllegalArgumentException e) {
                zeroRefused = e.getMessage();
                System.out.printf("receive(0): %s: %s%n", e.getClass().getSimpleName(), e.getMessage());
            }
            // 2. Over the cap: no error, just at most 32 messages.
            calls.add(receiveAndAck(consumer, 2 * MAX_MESSAGES_PER_RECEIVE, invisible));
            // 3. The batches: each receive returns up to maxMessageNum of the waiting messages.
            Wait.until(Duration.ofSeconds(30), "all " + count + " messages", () -> {
                if (calls.stream().mapToInt(Call::received).sum() < count) {
                    calls.add(receiveAndAck(consumer, maxMessageNum, invisible));
                }
                return calls.stream().mapToInt(Call::received).sum() >= count;
            });
        }
        return new Batches(sent, calls, zeroRefused);
    }

    private static Call receiveAndAck(SimpleConsumer consumer, int maxMessageNum, Duration invisible) throws ClientException {
        // Every message of this batch is now invisible to the group for `invisible`, from this moment.
        List<MessageView> batch = consumer.receive(maxMessageNum, invisible);
        List<Received> messages = batch.stream().map(SimpleConsumerBatches::received).toList();
        // ... one database write for the whole batch would go here ...
        // One ack per message, sent in parallel; join() throws if any of them failed.
        CompletableFuture.allOf(batch.stream().map(consumer::ackAsync).toArray(CompletableFuture[]::new)).join();
        // (From several queues at once: the keys are not in send order.)
        List<String> keys = messages.stream().map(Received::key).toList();
        System.out.printf("receive(%d, %s) -> %2d messages %s, each acked%n", maxMessageNum, invisible, keys.size(),
            keys.size() <= 6 ? keys : keys.subList(0, 5) + " and " + (keys.size() - 5) + " more");
        return new Call(maxMessageNum, messages);
    }
}
