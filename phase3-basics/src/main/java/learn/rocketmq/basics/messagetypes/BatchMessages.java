package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Batch messages with the classic client: {@code producer.send(List<Message>)} sends many
 * messages in one request, one network round trip and one write on the broker, all to the same
 * queue. Consumers see ordinary, separate messages. The rules: all of a batch go to the same topic,
 * none is delayed or transactional, and one batch must stay under the producer's
 * {@code maxMessageSize} (4 MiB by default; the broker's limit is the same), so a large list is
 * split first, here by an estimate of each message's size.
 * The 5.x client ({@code rocketmq-client-java}) has no batch send; it pipelines instead with
 * {@code sendAsync}.
 * Roadmap: 3.3 Message Types: Batch messages.
 *
 * <p>Run it: {@code ./lesson BatchMessages}.
 */
public class BatchMessages {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonBatchMessages", "lesson-batch-messages", 100, 4 * 1024);
        System.out.printf("Done: %d messages in %d send calls, %d received.%n",
            result.batches().stream().mapToInt(Batch::size).sum(), result.batches().size(), result.received().size());
    }

    /** One send call: how many messages it carried, their ids, and the one queue they went to. */
    public record Batch(int size, List<String> keys, int queueId) {
    }

    /** What was sent (batch by batch) and received (by key: body and queue). */
    public record Result(List<Batch> batches, Map<String, Received> received) {
    }

    public record Received(String body, int queueId) {
    }

    /** Sends {@code count} messages in batches of at most {@code maxBatchBytes}, and receives them. */
    public static Result run(RocketMQ rocketmq, String topic, String group, int count, int maxBatchBytes) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        System.out.printf("Topic %s is ready.%n", topic);

        // 1. An ordinary consumer: batching is invisible to it.
        Map<String, Received> received = new ConcurrentHashMap<>();
        CountDownLatch allReceived = new CountDownLatch(count);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                if (received.putIfAbsent(m.getKeys(), new Received(new String(m.getBody(), StandardCharsets.UTF_8), m.getQueueId())) == null) {
                    allReceived.countDown();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        // 2. The messages, then split into batches that each stay under the size limit.
        List<Message> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            messages.add(new Message(topic, "Batch", "msg-" + i, ("batched message #" + i).getBytes(StandardCharsets.UTF_8)));
        }
        List<List<Message>> batches = splitBySize(messages, maxBatchBytes);
        System.out.printf("%d messages, split into %d batches of at most %d bytes.%n", count, batches.size(), maxBatchBytes);

        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        List<Batch> sent = new ArrayList<>();
        try {
            for (List<Message> batch : batches) {
                // 3. One call, one request, one queue for the whole batch.
                SendResult result = producer.send(batch);
                List<String> keys = batch.stream().map(Message::getKeys).toList();
                sent.add(new Batch(batch.size(), keys, result.getMessageQueue().getQueueId()));
                System.out.printf("Sent a batch of %d (%s .. %s) in one call: %s, queue %d, %d message ids%n", batch.size(),
                    keys.get(0), keys.get(keys.size() - 1), result.getSendStatus(), result.getMessageQueue().getQueueId(),
                    result.getMsgId().split(",").length);
            }
            if (!allReceived.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 30 s.%n", received.size(), count);
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(sent, received);
    }

    /** Cuts {@code messages} into lists whose estimated size stays under {@code maxBytes}. */
    static List<List<Message>> splitBySize(List<Message> messages, int maxBytes) {
        List<List<Message>> batches = new ArrayList<>();
        List<Message> current = new ArrayList<>();
        int currentBytes = 0;
        for (Message m : messages) {
            int size = estimatedSize(m);
            if (!current.isEmpty() && currentBytes + size > maxBytes) {
                batches.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(m);
            currentBytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Topic, body, properties, plus ~20 bytes of the log entry's fixed fields per message. */
    private static int estimatedSize(Message m) {
        int size = m.getTopic().length() + m.getBody().length + 20;
        for (Map.Entry<String, String> p : m.getProperties().entrySet()) {
            size += p.getKey().length() + p.getValue().length();
        }
        return size;
    }
}
