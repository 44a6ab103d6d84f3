package learn.rocketmq.projects.simplemessaging;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
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
 * Hands-on project: a simple producer-consumer application. You type a line, the producer sends
 * it, and the consumer in the same application prints it when it arrives back from the broker,
 * usually within milliseconds. Each line goes to the broker and back: stop the broker and the
 * lines stop arriving; run two copies with the same group and each line arrives in only one of
 * them (clustering); with different groups, in both.
 * Roadmap: Phase 3 hands-on: Simple producer-consumer application; Project (beginner) 1: Simple Messaging App.
 *
 * <p>Run it: {@code ./lesson SimpleMessagingApp}, type lines, end with {@code quit} or Ctrl-D.
 */
public class SimpleMessagingApp {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        System.out.println("Type a message and press Enter; \"quit\" or Ctrl-D ends.");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Result result = run(rocketmq, "LessonSimpleMessaging", "lesson-simple-messaging", stdin.lines()::iterator, System.out);
        System.out.printf("Bye: %d sent, %d received.%n", result.sent().size(), result.receivedAt().size());
    }

    /** A line the app sent: its text, its key, and when. */
    public record Sent(String key, String text, long sentAt) {
    }

    /**
     * @param sent       the lines sent, in order
     * @param receivedAt when each line (by key) came back from the broker (epoch ms)
     */
    public record Result(List<Sent> sent, Map<String, Long> receivedAt) {
    }

    /**
     * Sends every line of {@code lines} until "quit" or the end, printing to {@code out} what is
     * sent and what arrives; then waits (at most 10 s) for the last lines to arrive.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, Iterable<String> lines, PrintStream out)
        throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }

        // The consumer half: prints each line as it comes back.
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        Semaphore arrivals = new Semaphore(0);
        CountDownLatch joined = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        // A new group starts at the oldest message, so a line typed before the consumer got its
        // queues is not lost. The group's position (offset) is kept by the broker: a second run
        // with the same group does not show the first run's lines again.
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                long now = System.currentTimeMillis();
                if (m.getKeys().equals("joined")) {
                    if (joined.getCount() > 0) {
                        out.printf("  <- received: %s (the round trip works)%n", new String(m.getBody(), StandardCharsets.UTF_8));
                    }
                    joined.countDown();
                } else if (receivedAt.putIfAbsent(m.getKeys(), now) == null) {
                    out.printf("  <- received: %s (%d ms after it was sent)%n", new String(m.getBody(), StandardCharsets.UTF_8),
                        now - m.getBornTimestamp());
                    arrivals.release();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        // The producer half: one message per line typed.
        DefaultMQProducer producer = new DefaultMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        List<Sent> sent = new ArrayList<>();
        try {
            out.printf("Connected to %s; topic %s.%n", rocketmq.description(), topic);
            // Announce ourselves and wait (bounded) until it comes back: from then on the
            // consumer has its queues and every line typed shows up within milliseconds.
            producer.send(new Message(topic, "Chat", "joined", "a new app joined".getBytes(StandardCharsets.UTF_8)));
            if (!joined.await(30, TimeUnit.SECONDS)) {
                out.println("The consumer has not received anything within 30 s; lines may arrive late.");
            }
            out.println("Ready: type a line.");
            Iterator<String> input = lines.iterator();
            while (input.hasNext()) {
                String line = input.next().strip();
                if (line.equalsIgnoreCase("quit")) {
                    break;
                }
                if (line.isEmpty()) {
                    continue;
                }
                String key = "line-" + (sent.size() + 1);
                long t = System.currentTimeMillis();
                SendResult result = producer.send(new Message(topic, "Chat", key, line.getBytes(StandardCharsets.UTF_8)));
                sent.add(new Sent(key, line, t));
                out.printf("  -> sent: %s (%s, queue %d)%n", line, result.getSendStatus(), result.getMessageQueue().getQueueId());
            }
            // Let the last lines arrive before leaving (bounded).
            if (!arrivals.tryAcquire(sent.size(), 10, TimeUnit.SECONDS)) {
                out.printf("Only %d of %d lines arrived within 10 s.%n", receivedAt.size(), sent.size());
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(sent, receivedAt);
    }
}
