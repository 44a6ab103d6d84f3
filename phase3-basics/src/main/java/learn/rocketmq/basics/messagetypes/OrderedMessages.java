package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Ordered messages with the classic client: RocketMQ keeps order <em>within one queue</em>, never
 * across a whole topic. So the producer sends every message of one key (here an order id) to the
 * same queue with a {@link MessageQueueSelector} (hash of the key), and the consumer reads each
 * queue with a {@link MessageListenerOrderly}: one thread at a time per queue, holding a lock on
 * the queue at the broker, so the next message of that queue waits until the previous one is done.
 * Different orders still go to different queues and are consumed in parallel.
 * Roadmap: 3.3 Message Types: Ordered messages.
 *
 * <p>Run it: {@code ./lesson OrderedMessages}. The same with the 5.x client (message groups on a
 * FIFO topic): {@link OrderedMessagesGrpc}.
 */
public class OrderedMessages {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonOrderedMessages", "lesson-ordered-messages", 5, 4);
        System.out.printf("Done: every order's steps arrived in the order they were sent: %s%n", result.inOrder());
    }

    /**
     * What the lesson did.
     *
     * @param queueByOrder    the queue every message of an order was sent to (one per order)
     * @param receivedByOrder for each order, its steps in the order the consumer processed them
     * @param consumerThreads the consumer threads that processed messages (more than one: queues in parallel)
     */
    public record Result(Map<String, Set<Integer>> queueByOrder, Map<String, List<Integer>> receivedByOrder,
                         Set<String> consumerThreads, int stepsPerOrder) {

        /** True if every order received steps 1..n exactly in sequence. */
        public boolean inOrder() {
            for (List<Integer> steps : receivedByOrder.values()) {
                for (int i = 0; i < steps.size(); i++) {
                    if (steps.get(i) != i + 1) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** Sends {@code steps} messages for each of {@code orders} orders, interleaved, and consumes them orderly. */
    public static Result run(RocketMQ rocketmq, String topic, String group, int orders, int steps) throws Exception {
        // 1. A topic with 4 queues. For the classic client the type is informational; FIFO says
        //    what it is for (the 5.x client would require it, see OrderedMessagesGrpc).
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 4);
        }
        System.out.printf("Topic %s is ready (4 queues).%n", topic);

        // 2. The consumer: MessageListenerOrderly instead of MessageListenerConcurrently. The
        //    client locks each queue it owns at the broker and hands one queue's messages to one
        //    thread at a time, in queue order. Different queues run on different threads.
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        Set<String> seenIds = ConcurrentHashMap.newKeySet();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch allReceived = new CountDownLatch(orders * steps);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            for (MessageExt m : messages) {
                if (!seenIds.add(m.getMsgId())) {
                    continue; // at-least-once: a redelivered message is processed once
                }
                int step = Integer.parseInt(m.getUserProperty("step"));
                received.computeIfAbsent(m.getKeys(), k -> Collections.synchronizedList(new ArrayList<>())).add(step);
                threads.add(Thread.currentThread().getName());
                System.out.printf("  %s step %d (queue %d, thread %s)%n", m.getKeys(), step, m.getQueueId(),
                    Thread.currentThread().getName());
                allReceived.countDown();
            }
            // SUCCESS moves on; SUSPEND_CURRENT_QUEUE_A_MOMENT would retry this message before
            // any later one of the queue (order is never given up for a retry).
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();

        // 3. The producer: send(message, selector, arg). The selector gets the topic's queues and
        //    the arg (the order id) and picks a queue: the same order id always picks the same queue.
        MessageQueueSelector byOrderId = (List<MessageQueue> queues, Message message, Object orderId) ->
            queues.get(Math.floorMod(orderId.hashCode(), queues.size()));
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        Map<String, Set<Integer>> queueByOrder = new ConcurrentHashMap<>();
        try {
            // Interleaved: step 1 of every order, then step 2 of every order, ...
            for (int step = 1; step <= steps; step++) {
                for (int o = 1; o <= orders; o++) {
                    String orderId = "order-" + o;
                    Message message = new Message(topic, "OrderStep", orderId,
                        (orderId + " step " + step).getBytes(StandardCharsets.UTF_8));
                    message.putUserProperty("step", String.valueOf(step));
                    SendResult result = producer.send(message, byOrderId, orderId);
                    queueByOrder.computeIfAbsent(orderId, k -> ConcurrentHashMap.newKeySet())
                        .add(result.getMessageQueue().getQueueId());
                    System.out.printf("Sent %s step %d to queue %d%n", orderId, step, result.getMessageQueue().getQueueId());
                }
            }
            // 4. Wait for the consumer, within a bound.
            if (!allReceived.await(30, TimeUnit.SECONDS)) {
                System.out.printf("Only %d of %d arrived within 30 s.%n", orders * steps - allReceived.getCount(), orders * steps);
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(queueByOrder, received, threads, steps);
    }
}
