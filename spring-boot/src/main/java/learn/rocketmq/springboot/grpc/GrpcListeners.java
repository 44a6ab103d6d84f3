package learn.rocketmq.springboot.grpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.annotation.RocketMQMessageListener;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.core.RocketMQListener;
import org.springframework.stereotype.Component;

/**
 * The 5.x listeners of {@link ClientTemplateSends}: each a 5.x push consumer the starter builds
 * with the proxy's endpoints ({@code rocketmq.push-consumer.endpoints}); {@code ConsumeResult.SUCCESS}
 * acknowledges, {@code FAILURE} (or an exception) has the message redelivered. The body arrives
 * as bytes: this starter has no JSON conversion on the consuming side. The FIFO listener counts
 * how many messages of one message group it handles at once: with a FIFO group, never more than one.
 */
@Component
public class GrpcListeners {

    /** How long the FIFO listener works on a message. */
    public static final long WORK_MILLIS = 300;

    /** Per run: "normal" and each FIFO message group, the bodies in the order they were handled. */
    private final Map<String, Map<String, List<String>>> byRun = new ConcurrentHashMap<>();
    /** Per message group: messages being consumed now, and the most there ever were at once. */
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();

    /** Per FIFO message group, the most of its messages consumed at the same time (1: one after the other). */
    public Map<String, Integer> maxInFlight() {
        return new TreeMap<>(maxInFlight);
    }

    public Map<String, List<String>> received(String run) {
        Map<String, List<String>> copy = new TreeMap<>();
        byRun.getOrDefault(run, Map.of()).forEach((key, list) -> {
            synchronized (list) {
                copy.put(key, List.copyOf(list));
            }
        });
        return copy;
    }

    void record(MessageView message, String key) {
        String[] body = StandardCharsets.UTF_8.decode(message.getBody()).toString().split(":", 2);
        List<String> list = byRun.computeIfAbsent(body[0], r -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (list) {
            list.add(body[1]);
        }
    }

    @Component
    @RocketMQMessageListener(topic = ClientTemplateSends.TOPIC, consumerGroup = ClientTemplateSends.GROUP, tag = "*",
        endpoints = RocketMQMessageListener.ENDPOINTS_PLACEHOLDER)
    public static class Normal implements RocketMQListener {
        private final GrpcListeners received;

        public Normal(GrpcListeners received) {
            this.received = received;
        }

        @Override
        public ConsumeResult consume(MessageView message) {
            received.record(message, "normal");
            return ConsumeResult.SUCCESS;
        }
    }

    @Component
    @RocketMQMessageListener(topic = ClientTemplateSends.FIFO_TOPIC, consumerGroup = ClientTemplateSends.FIFO_GROUP, tag = "*",
        endpoints = RocketMQMessageListener.ENDPOINTS_PLACEHOLDER)
    public static class Fifo implements RocketMQListener {
        private final GrpcListeners received;

        public Fifo(GrpcListeners received) {
            this.received = received;
        }

        @Override
        public ConsumeResult consume(MessageView message) {
            String group = message.getMessageGroup().orElse("?");
            int inFlight = received.inFlight.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
            received.maxInFlight.merge(group, inFlight, Math::max);
            try {
                received.record(message, group);
                Thread.sleep(WORK_MILLIS); // the work: long enough that a second delivery of the group would overlap
                return ConsumeResult.SUCCESS;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ConsumeResult.FAILURE;
            } finally {
                received.inFlight.get(group).decrementAndGet();
            }
        }
    }
}
