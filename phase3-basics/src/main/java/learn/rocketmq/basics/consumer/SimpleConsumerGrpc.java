package learn.rocketmq.basics.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The 5.x {@link SimpleConsumer}: you ask for messages ({@code receive(max, invisibleDuration)}),
 * and each one received becomes invisible to the group for that long. Within that time you
 * {@code ack()} it (done for good) or {@code changeInvisibleDuration()} (I need more time); if you
 * do neither, it becomes visible again and is received again, its delivery attempt counted.
 * Roadmap: 3.2 Consumer Basics: Pull consumer (polling).
 *
 * <p>No queues are owned, no rebalancing: any number of simple consumers of a group receive from
 * the same topic; per-message acks replace offsets. The proxy's minimum invisible duration is
 * 10 s by default ({@code minInvisibleTimeMillsForRecv}). Run it: {@code ./lesson SimpleConsumerGrpc}.
 */
public class SimpleConsumerGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSimpleConsumerGrpc", "lesson-simple-consumer-grpc", Duration.ofSeconds(10));
        System.out.printf("Done: %d receipts.%n", result.deliveries().size());
    }

    /** How long "need-more-time" is kept invisible once it asks for more time. */
    public static final Duration EXTENDED = Duration.ofSeconds(30);

    /** One receipt of a message: its key, which delivery attempt it was, seconds since the first receive. */
    public record Delivery(String key, int attempt, double atSeconds) {
    }

    public record Result(List<Delivery> deliveries, boolean extendedOneAcked) {
    }

    /**
     * Sends "ack-me", "forget-me" and "need-more-time". Receives with {@code invisible}; acks the
     * first, ignores the second (it comes back after {@code invisible}), extends the third's
     * invisible time to {@link #EXTENDED}, then receives until "forget-me" came back.
     */
    public static Result run(RocketMQ rocketmq, String topic, String group, Duration invisible) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            admin.createConsumerGroup(group);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // 1. The simple consumer: a group, a subscription, and how long receive() may wait for
        //    messages to arrive (long polling).
        SimpleConsumer consumer = provider.newSimpleConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
            .setAwaitDuration(Duration.ofSeconds(1))
            .build();
        List<Delivery> deliveries = new ArrayList<>();
        MessageView extended = null;
        boolean extendedOneAcked = false;
        try (consumer; Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            for (String key : List.of("ack-me", "forget-me", "need-more-time")) {
                producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key)
                    .setBody(key.getBytes(StandardCharsets.UTF_8)).build());
            }
            System.out.printf("Sent ack-me, forget-me, need-more-time. Receiving with invisible duration %s.%n", invisible);

            long t0 = System.nanoTime();
            boolean forgottenCameBack = false;
            long deadline = System.nanoTime() + invisible.multipliedBy(2).plusSeconds(10).toNanos();
            while (!forgottenCameBack && System.nanoTime() < deadline) {
                // 2. Up to 16 messages; each is now invisible to the group for `invisible`.
                for (MessageView view : consumer.receive(16, invisible)) {
                    String key = view.getKeys().iterator().next();
                    double at = (System.nanoTime() - t0) / 1e9;
                    deliveries.add(new Delivery(key, view.getDeliveryAttempt(), at));
                    System.out.printf("  %.1f s: received %s, delivery attempt %d%n", at, key, view.getDeliveryAttempt());
                    switch (key) {
                        case "ack-me" -> {
                            consumer.ack(view); // 3. done: never delivered to this group again
                            System.out.println("    ack: done with it");
                        }
                        case "need-more-time" -> {
                            // 4. Still working: stay invisible longer (then ack, or it comes back). An ack
                            //    after the invisible time is over fails (INVALID_RECEIPT_HANDLE): the
                            //    message is already visible again, for anyone in the group.
                            consumer.changeInvisibleDuration(view, EXTENDED);
                            System.out.printf("    changeInvisibleDuration(%s): keep it hidden longer%n", EXTENDED);
                            extended = view;
                        }
                        default -> {
                            if (view.getDeliveryAttempt() == 1) {
                                System.out.println("    no ack: it will come back when its invisible time is over");
                            } else {
                                consumer.ack(view);
                                forgottenCameBack = true;
                                System.out.println("    it came back; ack it now");
                            }
                        }
                    }
                }
            }
            // 5. The slow work is done: ack it, within its extended invisible time.
            if (extended != null) {
                consumer.ack(extended);
                extendedOneAcked = true;
                System.out.println("  need-more-time: work done, ack");
            }
        }
        return new Result(deliveries, extendedOneAcked);
    }
}
