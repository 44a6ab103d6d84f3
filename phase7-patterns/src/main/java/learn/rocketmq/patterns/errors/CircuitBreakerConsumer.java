package learn.rocketmq.patterns.errors;

import com.sun.net.httpserver.HttpServer;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * A consumer calling a failing downstream service through a circuit breaker (Resilience4j), beside
 * one that just retries: the second burns its retries into the dead-letter queue, the first stops
 * calling, backs off, and delivers everything once the service is back.
 * Roadmap: 7.2 Error Handling: Circuit breaker pattern.
 *
 * <p>A payment service (a real HTTP server) answers 503 until it recovers. Retrying each message
 * while it is down only spends the message's retries (here 2) and ends in {@code %DLQ%}; every retry
 * also hits the struggling service. The breaker counts failures over the last 4 calls; at half of
 * them it <b>opens</b>: calls are refused at once ({@code CallNotPermittedException}) without reaching
 * the service. The consumer then suspends its pulls and waits instead of failing messages; after 1 s
 * the breaker lets one probe call through (<b>half-open</b>): a failure opens it again, a success
 * closes it and the consumer resumes. One consume thread, so a probe is one call.
 * Run it: {@code ./lesson CircuitBreakerConsumer}.
 */
public class CircuitBreakerConsumer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonCircuitBreaker", "lesson-breaker", 20);
        System.out.printf("Done: retrying consumer: %d calls while down, %d dead letters; breaker: %d calls while down, %d dead letters,"
            + " %d payments made.%n", r.retryingCallsWhileDown(), r.retryingDeadLetters(), r.breakerCallsWhileDown(), r.breakerDeadLetters(),
            r.breakerPaid().size());
    }

    public record Result(int retryingCallsWhileDown, long retryingDeadLetters, int breakerCallsWhileDown, long breakerDeadLetters,
                         int failedProbes, Set<String> breakerPaid, List<String> transitions) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String prefix, int payments) throws Exception {
        // The payment service: 503 while down, counting calls per caller.
        boolean[] up = {false};
        Map<String, AtomicInteger> callsWhileDown = Map.of("retrying", new AtomicInteger(), "breaker", new AtomicInteger());
        HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/pay", exchange -> {
            String caller = exchange.getRequestURI().getQuery();
            if (!up[0]) {
                callsWhileDown.get(caller).incrementAndGet();
            }
            exchange.sendResponseHeaders(up[0] ? 200 : 503, -1);
            exchange.close();
        });
        service.start();
        HttpClient http = HttpClient.newHttpClient();
        URI pay = URI.create("http://127.0.0.1:" + service.getAddress().getPort() + "/pay?");

        CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(4).minimumNumberOfCalls(4)
            .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(1)).permittedNumberOfCallsInHalfOpenState(1)
            .automaticTransitionFromOpenToHalfOpenEnabled(true).build());
        List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger failedProbes = new AtomicInteger();
        breaker.getEventPublisher().onStateTransition(e -> {
            transitions.add(e.getStateTransition().toString());
            if (e.getStateTransition() == CircuitBreaker.StateTransition.HALF_OPEN_TO_OPEN) {
                failedProbes.incrementAndGet();
            }
        });

        Set<String> paidByBreaker = ConcurrentHashMap.newKeySet();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(prefix + "-orders"), rocketmq);
            producer.start();
            try {
                for (int i = 1; i <= payments; i++) {
                    Message m = new Message(topic, ("pay order " + i).getBytes(StandardCharsets.UTF_8));
                    m.setKeys("order-" + i);
                    producer.send(m);
                }
            } finally {
                producer.shutdown();
            }
            System.out.printf("1. %d payments to make; the payment service is down%n", payments);

            // 2a. Retrying: call, and on failure try again 1 s later; after 2 retries, the DLQ.
            DefaultMQPushConsumer retrying = consumer(rocketmq, prefix + "-retrying", topic, 2);
            retrying.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                context.setDelayLevelWhenNextConsume(1);
                return call(http, pay, "retrying") ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS : ConsumeConcurrentlyStatus.RECONSUME_LATER;
            });
            // 2b. Through the breaker, one thread: refused while open -> suspend pulling, wait, try again.
            DefaultMQPushConsumer guarded = consumer(rocketmq, prefix + "-breaker", topic, 16);
            guarded.setConsumeThreadMin(1);
            guarded.setConsumeThreadMax(1);
            guarded.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                context.setDelayLevelWhenNextConsume(1);
                while (true) {
                    try {
                        if (breaker.executeSupplier(() -> {
                            if (!call(http, pay, "breaker")) {
                                throw new IllegalStateException("payment service answered 503");
                            }
                            return true;
                        })) {
                            paidByBreaker.add(messages.get(0).getKeys());
                            guarded.resume();
                            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                        }
                    } catch (CallNotPermittedException open) {
                        guarded.suspend(); // stop fetching more while the service is known to be down
                        backOff(breaker);
                    } catch (IllegalStateException failed) {
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER; // a real failure: this message is retried later
                    }
                }
            });
            retrying.start();
            guarded.start();
            consumers.add(retrying);
            consumers.add(guarded);
            String retryingDlq = MixAll.getDLQTopic(prefix + "-retrying");
            Wait.until(Duration.ofSeconds(60), "the retrying consumer's " + payments + " dead letters", () -> admin.storedMessages(retryingDlq) >= payments);
            System.out.printf("2. Service down: the retrying consumer called it %d times and sent %d payments to %s; through the breaker"
                + " %d calls (%d failed probes), breaker %s%n", callsWhileDown.get("retrying").get(), admin.storedMessages(retryingDlq), retryingDlq,
                callsWhileDown.get("breaker").get(), failedProbes.get(), breaker.getState());

            // 3. The service recovers: the next probe succeeds, the breaker closes, the consumer resumes.
            int breakerDown = callsWhileDown.get("breaker").get();
            int probesDown = failedProbes.get();
            up[0] = true;
            Wait.until(Duration.ofSeconds(60), "every payment through the breaker", () -> paidByBreaker.size() >= payments);
            long breakerDlq = admin.storedMessages(MixAll.getDLQTopic(prefix + "-breaker"));
            System.out.printf("3. Service up: %d payments made through the breaker, %d dead letters; transitions %s%n", paidByBreaker.size(),
                breakerDlq, transitions);
            return new Result(callsWhileDown.get("retrying").get(), admin.storedMessages(retryingDlq), breakerDown, breakerDlq, probesDown,
                Set.copyOf(paidByBreaker), List.copyOf(transitions));
        } finally {
            consumers.forEach(DefaultMQPushConsumer::shutdown);
            service.stop(0);
        }
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group, String topic, int maxRetries) throws Exception {
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.setMaxReconsumeTimes(maxRetries);
        consumer.subscribe(topic, "*");
        return consumer;
    }

    /** One call to the payment service: true for 200. */
    private static boolean call(HttpClient http, URI pay, String caller) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(pay + caller)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits while the breaker is open (it half-opens by itself after its wait), bounded by 10 s per turn. */
    private static void backOff(CircuitBreaker breaker) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (breaker.getState() == CircuitBreaker.State.OPEN && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
