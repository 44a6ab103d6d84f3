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
 * Roadmap: 3.3 Normal messages; hands-on project 1, a simple producer-consumer application.
 * With the classic (remoting) client.
 *
 * <p>A producer sends N messages, each with a key, a tag and user properties, and a push consumer
 * receives them all. The classic client asks the NameServer where the topic's queues are, then
 * talks to the broker directly. Run it: {@code ./lesson SendAndReceive}. The same with the 5.x
 * gRPC client: {@link SendAndReceiveGrpc}.
 */
public class SendAndReceive {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSendAndReceive", "lesson-send-and-receive", 10);
        System.out.printf("Done: %d sent, %d received.%n", result.sent().size(), result.received().size());
    }

    /** What the lesson did: every send result, and every message the consumer received (by key). */
    public record Result(List<SendResult> sent, Map<String, MessageExt> received) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        // 1. Topics are created up front (the broker does not auto-create them), with a type
        //    for 5.x clients. 4 queues: the unit of parallelism and of ordering in a topic.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        System.out.printf("Topic %s is ready (NORMAL, 4 queues).%n", topic);

        // 2. The consumer: a consumer group shares the work of reading a topic. A push consumer
        //    pulls in the background (long polling) and calls our listener with new messages.
        Map<String, MessageExt> received = new ConcurrentHashMap<>();
        CountDownLatch allReceived = new CountDownLatch(count);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*"); // "*" = every tag
        // Where a group with no committed offset starts: here, at the oldest message, so nothing
        // sent before the consumer got its queues is skipped. (Default: the newest message.)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                // Delivery is at-least-once: a message may come twice, so count it once.
                if (received.putIfAbsent(m.getKeys(), m) == null) {
                    System.out.printf("  received %s from queue %d: \"%s\" tag=%s seq=%s%n", m.getKeys(),
                        m.getQueueId(), new String(m.getBody(), StandardCharsets.UTF_8), m.getTags(), m.getUserProperty("seq"));
                    allReceived.countDown();
                }
            }
            // Acknowledge: the group's offset moves past these messages.
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        // 3. The producer: a producer group names producers of the same kind (used by
        //    transactions). send() blocks until the broker has stored the message.
        DefaultMQProducer producer = new DefaultMQProducer("lesson-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        List<SendResult> sent = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Message message = new Message(topic, "TagA", "order-" + i,
                    ("Hello RocketMQ #" + i).getBytes(StandardCharsets.UTF_8));
                message.putUserProperty("seq", String.valueOf(i));
                message.putUserProperty("source", "SendAndReceive");
                SendResult result = producer.send(message);
                sent.add(result);
                System.out.printf("Sent order-%d: %s, id %s, queue %d%n", i, result.getSendStatus(),
                    result.getMsgId(), result.getMessageQueue().getQueueId());
            }
            // 4. Wait for the consumer (a bound, never forever).
            if (!allReceived.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 30 s.%n", received.size(), count);
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(sent, received);
    }
}
