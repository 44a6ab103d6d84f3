package learn.rocketmq.advanced.retry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Retry policy on an orderly consumer (classic client): a failed message cannot go to the retry
 * topic, since the next message of the queue would overtake it. The consumer returns
 * {@code SUSPEND_CURRENT_QUEUE_A_MOMENT}: the queue pauses {@code suspendCurrentQueueTimeMillis}
 * (default 1 s) and the same message is retried in place, on the client; everything behind it
 * waits. Its default max reconsume times is {@code Integer.MAX_VALUE}: a poison message blocks the
 * queue forever, so set a cap. A concurrent consumer's policy: {@link RetryPolicy}.
 * Roadmap: 4.5 Message Retry &amp; DLQ: Retry policy configuration.
 *
 * <p>Run it: {@code ./lesson OrderlyRetry}.
 */
public class OrderlyRetry {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        OrderlyResult result = run(rocketmq, "LessonOrderlyRetry", "lesson-orderly-retry", 2);
        System.out.printf("Done: %d deliveries, %d messages in the retry topic.%n", result.deliveries().size(),
            result.messagesInRetryTopic());
    }

    /** One delivery: which message, its reconsume count, when (ms after the start). */
    public record Delivery(String key, int reconsumeTimes, long atMillis) {
    }

    /**
     * Deliveries on an orderly consumer, whether all three steps were done within the
     * lesson's wait, and how many messages its group's retry topic got.
     */
    public record OrderlyResult(List<Delivery> deliveries, boolean allDone, long messagesInRetryTopic, long suspendMillis) {
    }

    public static OrderlyResult run(RocketMQ rocketmq, String topic, String group, int failures)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 1); // one queue: a total order to keep
        }
        long suspendMillis = 500;
        long t0 = System.currentTimeMillis();
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        CountDownLatch allDone = new CountDownLatch(3);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, "*");
        consumer.setSuspendCurrentQueueTimeMillis(suspendMillis); // default 1000
        consumer.setMaxReconsumeTimes(10); // orderly default: Integer.MAX_VALUE, i.e. block forever
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            MessageExt m = messages.get(0);
            Delivery d = new Delivery(m.getKeys(), m.getReconsumeTimes(), System.currentTimeMillis() - t0);
            deliveries.add(d);
            if (m.getKeys().equals("step-1") && m.getReconsumeTimes() < failures) {
                System.out.printf("  +%5d ms  %s fails (reconsume count %d): the queue pauses %d ms%n", d.atMillis(),
                    m.getKeys(), m.getReconsumeTimes(), suspendMillis);
                return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
            }
            System.out.printf("  +%5d ms  %s done (reconsume count %d)%n", d.atMillis(), m.getKeys(), m.getReconsumeTimes());
            allDone.countDown();
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        long retried;
        boolean done;
        try {
            for (String key : List.of("step-1", "step-2", "step-3")) {
                producer.send(new Message(topic, "TagA", key, key.getBytes(StandardCharsets.UTF_8)));
            }
            done = allDone.await(30, TimeUnit.SECONDS);
            if (!done) {
                System.out.printf("Only %d of the 3 steps were done within 30 s.%n", 3 - allDone.getCount());
            }
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                retried = admin.storedMessages(MixAll.getRetryTopic(group));
            }
            System.out.printf("step-2 and step-3 waited behind step-1; %s got %d messages (retries stayed on the client).%n",
                MixAll.getRetryTopic(group), retried);
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new OrderlyResult(deliveries, done, retried, suspendMillis);
    }
}
