package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Asynchronous send with the 5.x client: {@code sendAsync()} returns a {@link CompletableFuture}
 * of the {@link SendReceipt} at once; the future completes when the proxy has stored the message.
 * Roadmap: 3.1 Producer Basics: Send asynchronous messages.
 *
 * <p>The same three duties as with the classic callback ({@link AsyncProducer}): handle the
 * failures ({@code whenComplete} sees them), bound what is in flight (a {@link Semaphore}), and
 * wait for all the futures before closing. Futures compose: {@code CompletableFuture.allOf}
 * waits for all of them. Run it: {@code ./lesson AsyncProducerGrpc}.
 */
public class AsyncProducerGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonAsyncProducerGrpc", 100, 8);
        System.out.printf("Done: %d receipts, %d failures, at most %d in flight, %d stored.%n", result.receipts().size(),
            result.failures(), result.maxInFlight(), result.stored());
    }

    public record Result(List<SendReceipt> receipts, int failures, int maxInFlight, long stored) {
    }

    public static Result run(RocketMQ rocketmq, String topic, int count, int inFlightLimit) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            ClientServiceProvider provider = ClientServiceProvider.loadService();
            ClientConfiguration configuration = Clients.configuration(rocketmq);

            Semaphore inFlight = new Semaphore(inFlightLimit);
            AtomicInteger current = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            List<CompletableFuture<SendReceipt>> futures = new ArrayList<>();
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
                for (int i = 1; i <= count; i++) {
                    inFlight.acquire(); // at most inFlightLimit unanswered sends
                    max.accumulateAndGet(current.incrementAndGet(), Math::max);
                    Message message = provider.newMessageBuilder().setTopic(topic).setTag("TagA").setKeys("async-" + i)
                        .setBody(("message " + i).getBytes(StandardCharsets.UTF_8)).build();
                    CompletableFuture<SendReceipt> future = producer.sendAsync(message).whenComplete((receipt, error) -> {
                        if (error != null) {
                            failures.incrementAndGet();
                            System.out.println("  send failed: " + Hints.explain(error));
                        }
                        current.decrementAndGet();
                        inFlight.release(); // success or failure, the slot is free again
                    });
                    futures.add(future);
                }
                System.out.printf("The loop sent %d messages without waiting; %d futures done so far.%n", count,
                    futures.stream().filter(CompletableFuture::isDone).count());
                // Wait for all of them (bounded) before the producer closes.
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null) // failures are counted above
                    .get(30, TimeUnit.SECONDS);
            }
            List<SendReceipt> receipts = futures.stream().filter(f -> !f.isCompletedExceptionally()).map(CompletableFuture::join).toList();
            long stored = admin.storedMessages(topic);
            System.out.printf("%d receipts, %d failures, never more than %d in flight; the broker holds %d.%n",
                receipts.size(), failures.get(), max.get(), stored);
            return new Result(receipts, failures.get(), max.get(), stored);
        }
    }
}
