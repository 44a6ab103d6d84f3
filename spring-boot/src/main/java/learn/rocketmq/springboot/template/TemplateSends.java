package learn.rocketmq.springboot.template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.springboot.StackClients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Service;

/**
 * Every way {@code RocketMQTemplate} sends, in one Spring Boot application: sync, async,
 * one-way, batch, ordered by a hash key, and delayed. The payload is a Java record; the
 * template turns it into JSON and {@link OrderEventListeners} turn it back. The destination is
 * {@code topic} or {@code topic:tag}. {@code rocketmq.name-server} and {@code rocketmq.producer.group}
 * are all the starter needs to make the template (here from the stack and application.properties).
 * Roadmap: Beyond the roadmap: Spring Boot: RocketMQTemplate sends.
 *
 * <p>Run it: {@code ./lesson TemplateSends} (about 10 s, the delayed one is due after 3 s).
 * Starter 2.3.5 is built on Spring Boot 2.7; it works on Boot 3.5 (this module) but upstream does
 * not test that.
 */
@SpringBootApplication
@Import(StackClients.class) // this project's client settings, and where a new group starts: see StackClients
@Service
public class TemplateSends {

    public static final String TOPIC = "LessonSpringOrders";
    public static final String DELAY_TOPIC = "LessonSpringReminders";
    public static final int DELAY_SECONDS = 3;

    /** What the lesson sends: an order event, JSON on the wire. */
    public record OrderEvent(String run, String id, String kind, long sentAt) {
    }

    /** The queue each ordered send went to, and what the listeners received (by event id). */
    public record Result(Map<String, Integer> queueOfOrdered, Map<String, OrderEventListeners.Received> received) {
    }

    private final RocketMQTemplate template;
    private final OrderEventListeners listener;

    public TemplateSends(RocketMQTemplate template, OrderEventListeners listener) {
        this.template = template;
        this.listener = listener;
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        createTopics(rocketmq);
        try (var app = RocketMQBoot.run(TemplateSends.class, rocketmq)) {
            Result result = app.getBean(TemplateSends.class).sendAll(String.valueOf(System.currentTimeMillis()));
            System.out.printf("Done: %d of 10 received.%n", result.received().size());
        }
    }

    /** Topics are made by operations (mqadmin updateTopic), not by a send: here, before the application starts. */
    public static void createTopics(RocketMQ rocketmq) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.NORMAL, 4);
            admin.createTopic(DELAY_TOPIC, TopicMessageType.DELAY, 4);
        }
    }

    /** Sends 10 events of run {@code run} six ways and waits (bounded) until the listener has them all. */
    public Result sendAll(String run) throws Exception {
        // 1. Sync: returns once the broker has stored it (SEND_OK), or throws.
        SendResult sync = template.syncSend(TOPIC + ":created", event(run, "sync-1", "created"));
        System.out.printf("syncSend     %s -> %s, queue %d%n", "sync-1", sync.getSendStatus(), sync.getMessageQueue().getQueueId());

        // 2. Async: returns at once; the callback runs on a client thread when the broker answers.
        CompletableFuture<SendResult> async = new CompletableFuture<>();
        template.asyncSend(TOPIC + ":created", event(run, "async-1", "created"), new SendCallback() {
            public void onSuccess(SendResult result) { async.complete(result); }
            public void onException(Throwable e) { async.completeExceptionally(e); }
        });
        System.out.printf("asyncSend    %s -> %s (callback)%n", "async-1", async.get(10, TimeUnit.SECONDS).getSendStatus());

        // 3. One-way: no answer at all (logs, metrics): fastest, and a lost message goes unnoticed.
        template.sendOneWay(TOPIC + ":created", event(run, "oneway-1", "created"));
        System.out.println("sendOneWay   oneway-1 -> (no result)");

        // 4. Batch: one request, one queue; a message with a key set as a header.
        List<Message<OrderEvent>> batch = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            batch.add(MessageBuilder.withPayload(new OrderEvent(run, "batch-" + i, "created", System.currentTimeMillis()))
                .setHeader(RocketMQHeaders.KEYS, "batch-" + i).build());
        }
        SendResult batched = template.syncSend(TOPIC, batch);
        System.out.printf("syncSend(3)  batch-1..3 -> %s, queue %d%n", batched.getSendStatus(), batched.getMessageQueue().getQueueId());

        // 5. Ordered: the hash key picks the queue, so one order's events stay in one queue, in order.
        Map<String, Integer> queueOfOrdered = new ConcurrentHashMap<>();
        for (String kind : List.of("created", "paid", "shipped")) {
            SendResult r = template.syncSendOrderly(TOPIC + ":" + kind, event(run, "order-42-" + kind, kind), "order-42");
            queueOfOrdered.put("order-42-" + kind, r.getMessageQueue().getQueueId());
            System.out.printf("syncSendOrderly order-42-%s -> queue %d, offset %d%n", kind, r.getMessageQueue().getQueueId(), r.getQueueOffset());
        }

        // 6. Delayed: the broker holds it DELAY_SECONDS (5.x timer, any delay; a DELAY topic).
        template.syncSendDelayTimeSeconds(DELAY_TOPIC, event(run, "reminder-1", "reminder"), DELAY_SECONDS);
        System.out.printf("syncSendDelayTimeSeconds reminder-1 -> due in %d s%n", DELAY_SECONDS);

        Wait.until(Duration.ofSeconds(30), "the listener receives all 10", () -> listener.received(run).size() == 10);
        listener.received(run).values().stream().sorted(Comparator.comparingLong(OrderEventListeners.Received::receivedAt))
            .forEach(r -> System.out.printf("  received %-20s %5d ms after it was sent%n", r.event().id(), r.receivedAt() - r.event().sentAt()));
        return new Result(queueOfOrdered, listener.received(run));
    }

    private static Message<OrderEvent> event(String run, String id, String kind) {
        return MessageBuilder.withPayload(new OrderEvent(run, id, kind, System.currentTimeMillis())).build();
    }
}
