package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.basics.messagetypes.SendAndReceiveGrpc;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The push consumer: you give it a listener, it does the rest. Background threads long-poll the
 * broker for the queues this consumer owns, and a thread pool calls your listener with the
 * messages; what the listener returns decides their fate.
 * Roadmap: 3.2 Consumer Basics: Push consumer (reactive); 3.2 Consumer Basics: Create a Consumer instance.
 *
 * <ul>
 *   <li>{@code CONSUME_SUCCESS}: done, the group's offset moves past the message.</li>
 *   <li>{@code RECONSUME_LATER} (or an exception): the message comes back later, to this group
 *   only, via the retry topic {@code %RETRY%group}, after a growing delay (10 s, 30 s, 1 min, ...
 *   up to 16 times, then to {@code %DLQ%group}). {@code getReconsumeTimes()} counts the returns.</li>
 * </ul>
 * Threads: {@code consumeThreadMin} threads call the listener (the pool's queue is unbounded, so
 * {@code consumeThreadMax} above min adds nothing); {@code consumeMessageBatchMaxSize} messages per
 * call (default 1). A slow listener holds its thread: keep it short or hand work off.
 * Run it: {@code ./lesson PushConsumer}. The 5.x push consumer: {@link SendAndReceiveGrpc}.
 */
public class PushConsumer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonPushConsumer", "lesson-push-consumer", 20);
        System.out.printf("Done: %d deliveries of %d messages on %d threads.%n", result.deliveries().size(),
            result.consumed().size(), result.threads().size());
    }

    /** One call of the listener for one message. */
    public record Delivery(String key, int reconsumeTimes, String thread) {
    }

    /** Every delivery, the keys consumed successfully, the listener threads seen. */
    public record Result(List<Delivery> deliveries, Set<String> consumed, Set<String> threads) {
    }

    /**
     * Sends {@code count} messages; the listener fails "msg-1" once (RECONSUME_LATER) and
     * succeeds for everything else.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, int count)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }

        // 1. Create: the consumer group (all consumers of a group share the topic's queues and
        //    must subscribe to the same things), the NameServer, what to subscribe to.
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET); // a new group reads from the start
        // 2. Threads and batches: 4 listener threads (default 20), 1 message per call (default).
        consumer.setConsumeThreadMin(4);
        consumer.setConsumeThreadMax(4);
        consumer.setConsumeMessageBatchMaxSize(1);
        // How many messages one pull fetches from a queue (default 32).
        consumer.setPullBatchSize(16);

        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(count);
        // 3. The listener: called on a consumer thread with up to consumeMessageBatchMaxSize messages.
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            MessageExt m = messages.get(0);
            String thread = Thread.currentThread().getName();
            deliveries.add(new Delivery(m.getKeys(), m.getReconsumeTimes(), thread));
            threads.add(thread);
            if (m.getKeys().equals("msg-1") && m.getReconsumeTimes() == 0) {
                System.out.printf("  %s on %s: failing it once -> RECONSUME_LATER%n", m.getKeys(), thread);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER; // comes back later, reconsumeTimes=1
            }
            System.out.printf("  %s on %s (queue %d, reconsumeTimes %d): CONSUME_SUCCESS%n", m.getKeys(), thread,
                m.getQueueId(), m.getReconsumeTimes());
            if (consumed.add(m.getKeys())) {
                done.countDown();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        // 4. Start: joins the group, gets its share of the queues, starts pulling.
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            for (int i = 1; i <= count; i++) {
                producer.send(new Message(topic, "TagA", "msg-" + i, ("message " + i).getBytes(StandardCharsets.UTF_8)));
            }
            System.out.printf("Sent %d messages.%n", count);
            if (!done.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d consumed within 30 s.%n", consumed.size(), count);
            }
        } finally {
            producer.shutdown();
            // 5. Shut down: stops pulling, lets running listener calls finish, saves the offsets.
            consumer.shutdown();
        }
        System.out.printf("%d deliveries for %d messages (msg-1 came back once), on threads %s.%n",
            deliveries.size(), consumed.size(), threads);
        return new Result(deliveries, consumed, threads);
    }
}
