package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The Dead Letter Queue: a message that still fails after {@code maxReconsumeTimes} retries is not
 * retried forever (that would waste the consumer on a poison message) but parked in the group's
 * DLQ topic {@code %DLQ%<group>}. Nothing consumes a DLQ on its own: someone must look at it, fix
 * the cause, and <em>re-drive</em> the messages, i.e. send them again to the original topic.
 * With the classic client (the 5.x client uses the same %DLQ% topic; its attempts are the group's
 * retry policy, see {@link RetryPolicyGrpc}).
 * Roadmap: 4.5 Message Retry &amp; DLQ: Dead Letter Queue (DLQ).
 *
 * <p>The broker creates the DLQ topic (1 queue) on the group's first dead letter. The message in it
 * keeps its body, key and properties; the property {@code RETRY_TOPIC} names the topic it came
 * from, {@code ORIGIN_MESSAGE_ID} its first id. Messages in a DLQ expire with the commit log
 * (72 h by default): alert on DLQ growth, do not let it be a bin.
 * Run it: {@code ./lesson DeadLetterQueue}.
 */
public class DeadLetterQueue {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonDeadLetterQueue", "lesson-dead-letter-queue", 2);
        System.out.printf("Done: %d failed deliveries, %d dead letters, %d re-driven and consumed.%n",
            result.failedDeliveries(), result.deadLetters().size(), result.redrivenConsumed().size());
    }

    /** A message as read from the DLQ. */
    public record DeadLetter(String topic, String originalTopic, String key, String body, int reconsumeTimes,
                             String originMessageId) {
    }

    /** A re-driven message as the (fixed) consumer finally got it. */
    public record Consumed(String topic, String key, String body, int reconsumeTimes, String redrivenFrom) {
    }

    public record Result(int failedDeliveries, List<DeadLetter> deadLetters, List<Consumed> redrivenConsumed) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int maxReconsumeTimes) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        String dlqTopic = MixAll.getDLQTopic(group);

        // 1. A consumer with a bug: every message fails, until the bug is "fixed".
        AtomicBoolean bugFixed = new AtomicBoolean(false);
        AtomicInteger failedDeliveries = new AtomicInteger();
        List<Consumed> redrivenConsumed = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch redrivenDone = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.setConsumeMessageBatchMaxSize(1);
        // 1 delivery + maxReconsumeTimes retries, then the DLQ. (Default 16: about 4 h 46 min of retries.)
        consumer.setMaxReconsumeTimes(maxReconsumeTimes);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            MessageExt m = messages.get(0);
            String body = new String(m.getBody(), StandardCharsets.UTF_8);
            if (!bugFixed.get()) {
                failedDeliveries.incrementAndGet();
                System.out.printf("  %s attempt %d of %d: fails%n", m.getKeys(), m.getReconsumeTimes() + 1, maxReconsumeTimes + 1);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            redrivenConsumed.add(new Consumed(m.getTopic(), m.getKeys(), body, m.getReconsumeTimes(), m.getUserProperty("REDRIVEN_FROM")));
            System.out.printf("  %s consumed from %s after the fix: \"%s\"%n", m.getKeys(), m.getTopic(), body);
            redrivenDone.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        // 2. A reader of the DLQ: an ordinary consumer (its own group) of the topic %DLQ%group.
        DefaultLitePullConsumer dlqReader = new DefaultLitePullConsumer(group + "-dlq-reader");
        Clients.configure(dlqReader, rocketmq); // NameServer address and shared client settings (see Clients)
        dlqReader.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        List<DeadLetter> deadLetters = new ArrayList<>();
        try {
            Message order = new Message(topic, "TagA", "order-42", "{\"order\":42}".getBytes(StandardCharsets.UTF_8));
            producer.send(order);
            System.out.printf("Sent order-42; the consumer fails it %d times, then it goes to %s.%n",
                maxReconsumeTimes + 1, dlqTopic);

            dlqReader.subscribe(dlqTopic, "*");
            dlqReader.start();
            Wait.until(Duration.ofSeconds(60), "a dead letter", () -> {
                for (MessageExt m : dlqReader.poll(500)) {
                    deadLetters.add(new DeadLetter(m.getTopic(), m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC), m.getKeys(),
                        new String(m.getBody(), StandardCharsets.UTF_8), m.getReconsumeTimes(),
                        m.getProperty(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID)));
                    System.out.printf("Read from %s: %s, from topic %s, reconsumed %d times, first id %s%n", m.getTopic(),
                        m.getKeys(), m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC), m.getReconsumeTimes(),
                        m.getProperty(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID));
                }
                return !deadLetters.isEmpty();
            });

            // 3. The bug is fixed; re-drive: send each dead letter again to its original topic, as a
            //    new message (new id, reconsume count 0), noting where it came from.
            bugFixed.set(true);
            for (DeadLetter dead : deadLetters) {
                Message again = new Message(dead.originalTopic(), "TagA", dead.key(), dead.body().getBytes(StandardCharsets.UTF_8));
                again.putUserProperty("REDRIVEN_FROM", dead.originMessageId());
                producer.send(again);
                System.out.printf("Re-drove %s to %s.%n", dead.key(), dead.originalTopic());
            }
            if (!deadLetters.isEmpty() && !redrivenDone.await(30, TimeUnit.SECONDS)) {
                System.out.println("The re-driven message did not arrive within 30 s.");
            }
        } finally {
            dlqReader.shutdown();
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(failedDeliveries.get(), deadLetters, redrivenConsumed);
    }
}
