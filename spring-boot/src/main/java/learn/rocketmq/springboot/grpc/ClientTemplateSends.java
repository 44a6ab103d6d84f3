package learn.rocketmq.springboot.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.client.core.RocketMQClientTemplate;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/**
 * The 5.x starter, {@code rocketmq-v5-client-spring-boot-starter} 2.3.1: {@code RocketMQClientTemplate}
 * sends over gRPC to the proxy ({@code rocketmq.producer.endpoints}), and a 5.x
 * {@code @RocketMQMessageListener} is a push consumer of the 5.x client that returns
 * {@code ConsumeResult} ({@link GrpcListeners}). Normal messages (sync, async) and FIFO ones: on a
 * FIFO topic with a FIFO consumer group, the messages of one message group are delivered one at a
 * time, in order. The starter is built on {@code rocketmq-client-java} 5.0.7; this module runs it
 * on 5.2.0, and the test shows it works.
 * Roadmap: Beyond the roadmap: Spring Boot: the 5.x starter (RocketMQClientTemplate, gRPC).
 *
 * <p>Run it: {@code ./lesson ClientTemplateSends} (a few seconds; needs the proxy, which
 * {@code ./rocketmq up} and the embedded stack run).
 */
@SpringBootApplication
@Service
public class ClientTemplateSends {

    public static final String TOPIC = "LessonSpringGrpc";
    public static final String FIFO_TOPIC = "LessonSpringGrpcFifo";
    public static final String GROUP = "lesson-spring-grpc";
    public static final String FIFO_GROUP = "lesson-spring-grpc-fifo";

    private final RocketMQClientTemplate template;
    private final GrpcListeners listeners;

    public ClientTemplateSends(RocketMQClientTemplate template, GrpcListeners listeners) {
        this.template = template;
        this.listeners = listeners;
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        createTopics(rocketmq);
        var app = RocketMQBoot.run(ClientTemplateSends.class, RocketMQBoot.grpcProperties(rocketmq));
        try {
            app.getBean(ClientTemplateSends.class).sendAndReceive(String.valueOf(System.currentTimeMillis()));
        } finally {
            // Spring stops the listeners one after the other, and a 5.x push consumer first waits
            // for its pending long poll: up to 20 s each on a default proxy.
            System.out.println("Stopping the application: each 5.x push consumer waits out its long poll first...");
            long start = System.currentTimeMillis();
            app.close();
            System.out.printf("Stopped in %.1f s.%n", (System.currentTimeMillis() - start) / 1000.0);
        }
    }

    /**
     * Typed topics (the 5.x client checks the type) and the groups: the proxy refuses a 5.x
     * consumer whose group does not exist ("group not found") where groups are not created on
     * demand, and ordered delivery is a setting of the FIFO group.
     */
    public static void createTopics(RocketMQ rocketmq) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.NORMAL, 4);
            admin.createTopic(FIFO_TOPIC, TopicMessageType.FIFO, 4);
            admin.createConsumerGroup(GROUP);
            admin.createConsumerGroup(FIFO_GROUP, true);
        }
    }

    /**
     * Sends run {@code run}'s messages; returns what the two listeners received, waiting (bounded)
     * for all 7. The FIFO listener's overlap count is {@code listeners.maxInFlight()}.
     */
    public Map<String, List<String>> sendAndReceive(String run) throws Exception {
        // 1. Normal: sync (a receipt with the message id), async (a future).
        SendReceipt sync = template.syncSendNormalMessage(TOPIC, run + ":hello-sync");
        System.out.printf("syncSendNormalMessage  -> message id %s%n", sync.getMessageId());
        CompletableFuture<SendReceipt> async = template.asyncSendNormalMessage(TOPIC, run + ":hello-async", null);
        System.out.printf("asyncSendNormalMessage -> message id %s (future)%n", async.get(10, TimeUnit.SECONDS).getMessageId());

        // 2. FIFO: the message group (here the order id) is the unit of order.
        for (String order : List.of("order-7", "order-8")) {
            for (String step : List.of("created", "paid")) {
                template.syncSendFifoMessage(FIFO_TOPIC, run + ":" + order + "/" + step, order);
            }
        }
        template.syncSendFifoMessage(FIFO_TOPIC, run + ":order-7/shipped", "order-7");
        System.out.println("syncSendFifoMessage    -> order-7: created, paid, shipped; order-8: created, paid");

        Wait.until(Duration.ofSeconds(30), "the listeners receive all 7", () -> {
            Map<String, List<String>> seen = listeners.received(run);
            return seen.values().stream().mapToInt(List::size).sum() == 7;
        });
        Map<String, List<String>> received = listeners.received(run);
        received.forEach((key, values) -> System.out.printf("  %-8s received %s%n", key, values));
        System.out.printf("  messages of one group consumed at once, at most: %s%n", listeners.maxInFlight());
        return received;
    }
}
