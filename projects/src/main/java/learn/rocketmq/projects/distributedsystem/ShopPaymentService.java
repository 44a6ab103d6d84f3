package learn.rocketmq.projects.distributedsystem;

import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_COMPLETED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_DECLINED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.STOCK_RESERVED;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;

/**
 * The shop's payment service: charges each order whose stock is reserved through an external
 * payment gateway (HTTP), behind a circuit breaker (Resilience4j).
 * Roadmap: Project (advanced) 2: Distributed System: complete microservices architecture.
 * Run by {@code DistributedSystem}; alone: {@code ./lesson ShopPaymentService --namesrv HOST:PORT --topic T --prefix P --data DIR
 * --port N --gateway http://HOST:PORT}.
 *
 * <p>Each gateway answer is handled by its kind: charged → {@code PaymentCompleted}; declined
 * (a business answer) → {@code PaymentDeclined}, which the inventory compensates; a request the
 * gateway calls invalid → a poison message: straight to the dead-letter queue, no retries (they
 * would all fail the same way); the gateway unavailable → retry, through the breaker. After 2 of
 * the last 4 calls fail the breaker opens: no calls for a second, the consumer suspends its pulls
 * and the event waits, instead of spending its 16 retries and ending in the dead-letter queue.
 * Every call carries the order id as its idempotency key: a payment made, then lost in a crash
 * before its commit, is answered "charged" again, not charged twice.
 */
public class ShopPaymentService {

    static final String SCHEMA = """
        CREATE TABLE IF NOT EXISTS payments (order_id VARCHAR(40) PRIMARY KEY, amount BIGINT NOT NULL, status VARCHAR(20) NOT NULL);
        """;

    /** What the gateway answered; an unavailable gateway is an {@link IOException}. */
    enum Answer { CHARGED, DECLINED, INVALID }

    /** The payment gateway as this service sees it. */
    interface Gateway {
        Answer charge(String orderId, long amount, String card) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        ShopService.Options options = ShopService.Options.parse(args);
        try (ShopService service = new ShopService("payment", options, SCHEMA)) {
            CircuitBreaker breaker = CircuitBreaker.of("payment-gateway", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(4).minimumNumberOfCalls(4)
                .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(1)).permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true).build());
            breaker.getEventPublisher().onStateTransition(t -> System.out.printf("[payment] circuit breaker %s%n", t.getStateTransition().name()));
            Gauge.builder("shop.payment.circuit.open", breaker, b -> b.getState() == CircuitBreaker.State.CLOSED ? 0 : 1)
                .description("1 while the gateway's circuit breaker is open or half-open").register(service.metrics);
            DefaultMQPushConsumer[] consumer = new DefaultMQPushConsumer[1];
            Gateway gateway = throughBreaker(http(options.option("--gateway"), service.metrics), breaker, () -> consumer[0]);
            consumer[0] = service.consume(options.topic(), STOCK_RESERVED, (tx, e) -> handle(tx, e, gateway));
            service.start();
            service.runUntilStdinCloses();
        }
    }

    static List<ShopEvent> handle(Connection tx, ShopEvent e, Gateway gateway) throws Exception {
        if (!STOCK_RESERVED.equals(e.type())) {
            throw new IllegalArgumentException("the payment service does not handle " + e.type());
        }
        long amount = Long.parseLong(e.field("amount"));
        Answer answer = gateway.charge(e.orderId(), amount, e.field("card"));
        if (answer == Answer.INVALID) {
            throw new ShopService.Poison("the gateway refused the request as invalid (card " + e.field("card") + ")");
        }
        try (PreparedStatement payment = tx.prepareStatement("INSERT INTO payments VALUES (?, ?, ?)")) {
            payment.setString(1, e.orderId());
            payment.setLong(2, amount);
            payment.setString(3, answer.name());
            payment.executeUpdate();
        }
        return List.of(answer == Answer.CHARGED ? e.next(PAYMENT_COMPLETED)
            : e.next(PAYMENT_DECLINED, "reason", "card declined: over its limit"));
    }

    /**
     * Calls through the breaker until the gateway answers: a failed call is counted and tried again;
     * while the breaker is open, the consumer stops pulling and this thread waits for the half-open
     * probe. The event is never failed for an unavailable gateway, so no retries are spent on it.
     */
    static Gateway throughBreaker(Gateway gateway, CircuitBreaker breaker, java.util.function.Supplier<DefaultMQPushConsumer> consumer) {
        return (orderId, amount, card) -> {
            boolean suspended = false;
            while (true) {
                try {
                    Answer answer = breaker.executeCallable(() -> gateway.charge(orderId, amount, card));
                    if (suspended) {
                        consumer.get().resume();
                    }
                    return answer;
                } catch (CallNotPermittedException open) {
                    if (!suspended && consumer.get() != null) {
                        consumer.get().suspend();
                        suspended = true;
                        System.out.printf("[payment] gateway unavailable, breaker open: pulls suspended, %s waits%n", orderId);
                    }
                    waitWhileOpen(breaker);
                } catch (IOException unavailable) {
                    // counted by the breaker; the next call, or the breaker opening, decides
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        };
    }

    private static void waitWhileOpen(CircuitBreaker breaker) throws IOException {
        try {
            while (breaker.getState() == CircuitBreaker.State.OPEN) {
                Thread.sleep(20); // the breaker half-opens by itself after its wait
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the breaker was open");
        }
    }

    /** The gateway over HTTP: {@code POST /charges}, the order id as the idempotency key. */
    static Gateway http(String baseUrl, MeterRegistry metrics) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return (orderId, amount, card) -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/charges?order=" + orderId + "&amount=" + amount + "&card=" + card))
                .header("Idempotency-Key", orderId).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build();
            int status;
            try {
                status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            Answer answer = switch (status) {
                case 200 -> Answer.CHARGED;
                case 402 -> Answer.DECLINED;
                case 400 -> Answer.INVALID;
                default -> null;
            };
            Counter.builder("shop.payment.gateway.calls").tag("answer", answer == null ? "unavailable" : answer.name().toLowerCase())
                .register(metrics).increment();
            if (answer == null) {
                throw new IOException("the payment gateway answered " + status);
            }
            return answer;
        };
    }
}
