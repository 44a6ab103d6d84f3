package learn.rocketmq.production.clients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The 5.x push consumer's threads against a slow listener: {@code consumptionThreadCount} (default
 * 20) is exactly how many messages it works on at once; {@code maxCacheMessageCount} (default
 * 1024) bounds how many it fetches ahead.
 * Roadmap: 5.3 Producer/Consumer Configuration: Thread pool configuration.
 *
 * <p>Unlike the classic consumer's min/max pair (lesson ConsumerThreads), there is one number. The
 * two runs here go side by side, each with its own group and topic: closing a 5.x push consumer
 * waits for its pending long poll, so closing them together waits once. Run it:
 * {@code ./lesson ConsumerThreadsGrpc}.
 */
public class ConsumerThreadsGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        System.out.println("Done: " + run(rocketmq, "LessonConsumerThreadsGrpc", "lesson-consumer-threads-grpc", 40));
    }

    /** One setting: the most messages its listener held at once, and how long all took. */
    public record Threads(int consumptionThreadCount, int mostAtOnce, long millis) {
    }

    public static List<Threads> run(RocketMQ rocketmq, String topic, String groupPrefix, int messages) throws Exception {
        rocketmq.requireProxy();
        int[] counts = {1, 4};
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            for (int count : counts) {
                admin.createTopic(topic + "-" + count, TopicMessageType.NORMAL, 4);
                admin.createConsumerGroup(groupPrefix + "-" + count);
            }
        }
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq)).build()) {
            for (int count : counts) {
                for (int i = 0; i < messages; i++) {
                    producer.send(provider.newMessageBuilder().setTopic(topic + "-" + count)
                        .setBody(("work " + i).getBytes(StandardCharsets.UTF_8)).build());
                }
            }
        }

        // Both consumers at once, 20 ms of work per message.
        List<PushConsumer> consumers = new ArrayList<>();
        List<AtomicInteger> most = new ArrayList<>();
        List<AtomicInteger> done = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int count : counts) {
                AtomicInteger now = new AtomicInteger();
                AtomicInteger max = new AtomicInteger();
                AtomicInteger finished = new AtomicInteger();
                most.add(max);
                done.add(finished);
                consumers.add(provider.newPushConsumerBuilder()
                    .setClientConfiguration(Clients.configuration(rocketmq))
                    .setConsumerGroup(groupPrefix + "-" + count)
                    .setSubscriptionExpressions(Map.of(topic + "-" + count, FilterExpression.SUB_ALL))
                    .setConsumptionThreadCount(count)
                    .setMessageListener(view -> {
                        max.accumulateAndGet(now.incrementAndGet(), Math::max);
                        try {
                            Thread.sleep(20); // the work: a call to a slow downstream service
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        now.decrementAndGet();
                        finished.incrementAndGet();
                        return ConsumeResult.SUCCESS;
                    })
                    .build());
            }
            List<Threads> runs = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                AtomicInteger finished = done.get(i);
                Wait.until(Duration.ofSeconds(60), "all " + messages + " messages", () -> finished.get() >= messages);
                Threads t = new Threads(counts[i], most.get(i).get(), (System.nanoTime() - t0) / 1_000_000);
                System.out.printf("consumptionThreadCount %d: at most %d at once, all %d done after %d ms%n",
                    t.consumptionThreadCount(), t.mostAtOnce(), messages, t.millis());
                runs.add(t);
            }
            return runs;
        } finally {
            Clients.closeAll(consumers);
        }
    }
}
