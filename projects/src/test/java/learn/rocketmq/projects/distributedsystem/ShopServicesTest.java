package learn.rocketmq.projects.distributedsystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of the shop's services: each service's logic (what an event does to its database,
 * what it publishes) against an in-memory H2, with no broker, no other service and no network; the
 * gateway is a lambda. Fast and exact. What they cannot catch is everything between the services:
 * a tag filter that misses an event, a consumer group that starts from the wrong offset, an outbox
 * row never relayed, a redelivery after a crash. {@code DistributedSystemTest} runs those against
 * the real broker, with real processes.
 */
class ShopServicesTest {

    Connection db;

    @BeforeEach
    void database() throws Exception {
        db = DriverManager.getConnection("jdbc:h2:mem:shop-unit-" + System.nanoTime());
        db.createStatement().execute(ShopService.SCHEMA + ShopOrderService.SCHEMA + ShopInventoryService.SCHEMA + ShopPaymentService.SCHEMA
            + ShopDeadLetterService.SCHEMA);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    static ShopEvent placed(String order, String sku, int qty, long amount, String card) {
        return ShopEvent.of(ShopEvent.ORDER_PLACED, order, "sku", sku, "qty", String.valueOf(qty), "amount", String.valueOf(amount), "card", card);
    }

    @Test
    void inventoryReservesWhileThereIsStockAndRejectsBeyondIt() throws Exception {
        ShopInventoryService.stock(db, "book=3");
        assertThat(ShopInventoryService.handle(db, placed("o1", "book", 2, 10, "4242"))).extracting(ShopEvent::type).containsExactly("StockReserved");
        List<ShopEvent> second = ShopInventoryService.handle(db, placed("o2", "book", 2, 10, "4242"));
        assertThat(second).extracting(ShopEvent::type).containsExactly("StockRejected");
        assertThat(second.get(0).fields()).containsEntry("reason", "out of stock: book");
        assertThat(ShopService.column(db, "SELECT available FROM stock")).containsExactly("1");
    }

    @Test
    void inventoryReleasesAReservationOnceWhenThePaymentFails() throws Exception {
        ShopInventoryService.stock(db, "book=3");
        ShopInventoryService.handle(db, placed("o1", "book", 2, 10, "4242"));
        ShopEvent declined = ShopEvent.of(ShopEvent.PAYMENT_DECLINED, "o1");
        assertThat(ShopInventoryService.handle(db, declined)).extracting(ShopEvent::type).containsExactly("StockReleased");
        // Handled twice (the inbox would stop that, but the handler alone must not give stock back twice).
        assertThat(ShopInventoryService.handle(db, declined)).isEmpty();
        assertThat(ShopService.column(db, "SELECT available FROM stock")).containsExactly("3");
    }

    @Test
    void openingStockIsOnlySetOnce() throws Exception {
        ShopInventoryService.stock(db, "book=3");
        ShopInventoryService.handle(db, placed("o1", "book", 2, 10, "4242"));
        ShopInventoryService.stock(db, "book=3"); // a restart
        assertThat(ShopService.column(db, "SELECT available FROM stock")).containsExactly("1");
    }

    @Test
    void paymentMapsEachGatewayAnswerToItsEvent() throws Exception {
        ShopEvent reserved = placed("o1", "book", 1, 30, "4242").next(ShopEvent.STOCK_RESERVED);
        assertThat(ShopPaymentService.handle(db, reserved, (o, a, c) -> ShopPaymentService.Answer.CHARGED))
            .extracting(ShopEvent::type).containsExactly("PaymentCompleted");
        ShopEvent big = placed("o2", "book", 1, 3000, "4242").next(ShopEvent.STOCK_RESERVED);
        assertThat(ShopPaymentService.handle(db, big, (o, a, c) -> ShopPaymentService.Answer.DECLINED))
            .extracting(ShopEvent::type).containsExactly("PaymentDeclined");
        ShopEvent invalid = placed("o3", "book", 1, 30, "0000").next(ShopEvent.STOCK_RESERVED);
        assertThatThrownBy(() -> ShopPaymentService.handle(db, invalid, (o, a, c) -> ShopPaymentService.Answer.INVALID))
            .isInstanceOf(ShopService.Poison.class).hasMessageContaining("invalid");
        assertThat(ShopService.column(db, "SELECT order_id || '=' || status FROM payments ORDER BY order_id"))
            .containsExactly("o1=CHARGED", "o2=DECLINED");
    }

    @Test
    void theBreakerOpensOnAFailingGatewayAndTheCallWaitsInsteadOfFailing() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("test", CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4)
            .failureRateThreshold(50).waitDurationInOpenState(Duration.ofMillis(100)).permittedNumberOfCallsInHalfOpenState(1)
            .automaticTransitionFromOpenToHalfOpenEnabled(true).build());
        List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        breaker.getEventPublisher().onStateTransition(t -> transitions.add(t.getStateTransition().name()));
        AtomicInteger calls = new AtomicInteger();
        ShopPaymentService.Gateway flaky = (o, a, c) -> {
            if (calls.incrementAndGet() <= 6) {
                throw new IOException("503");
            }
            return ShopPaymentService.Answer.CHARGED;
        };
        // No consumer here: the guard only waits. Six failures, then the gateway answers.
        assertThat(ShopPaymentService.throughBreaker(flaky, breaker, () -> null).charge("o1", 10, "4242")).isEqualTo(ShopPaymentService.Answer.CHARGED);
        assertThat(calls).hasValue(7);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        // Four failures opened it; two failed probes opened it again; the third probe closed it. (The
        // calling thread makes these transitions, in this order; OPEN_TO_HALF_OPEN is made by the
        // breaker's own timer thread, whose event can come before or after the probe's, so it is left out.)
        assertThat(transitions.stream().filter(t -> !t.equals("OPEN_TO_HALF_OPEN")))
            .containsExactly("CLOSED_TO_OPEN", "HALF_OPEN_TO_OPEN", "HALF_OPEN_TO_OPEN", "HALF_OPEN_TO_CLOSED");
    }

    @Test
    void orderMovesOnOnlyFromPlacedAndAnIdPlacedTwiceIsOneOrder() throws Exception {
        assertThat(ShopOrderService.place(db, "o1", "book", 1, 30, "4242")).isTrue();
        assertThat(ShopOrderService.place(db, "o1", "book", 1, 30, "4242")).isFalse();
        assertThat(ShopService.column(db, "SELECT type FROM outbox")).containsExactly("OrderPlaced");
        ShopOrderService.handle(db, ShopEvent.of(ShopEvent.PAYMENT_COMPLETED, "o1"));
        ShopOrderService.handle(db, ShopEvent.of(ShopEvent.PAYMENT_DECLINED, "o1", "reason", "late and wrong"));
        assertThat(ShopService.column(db, "SELECT status FROM orders")).containsExactly("CONFIRMED");
    }

    @Test
    void deadLetterParksTheMessageAndEndsTheSaga() throws Exception {
        ShopEvent dead = placed("o4", "book", 1, 20, "0000").next(ShopEvent.STOCK_RESERVED);
        assertThat(ShopDeadLetterService.handle(db, dead)).extracting(ShopEvent::type, ShopEvent::orderId)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("PaymentFailed", "o4"));
        assertThat(ShopService.column(db, "SELECT order_id FROM dead_letters")).containsExactly("o4");
    }

    @Test
    void anEventSurvivesTheRoundTripThroughAMessageAndTheOutbox() {
        ShopEvent e = placed("o9", "book", 2, 55, "4242-9");
        ShopEvent back = new ShopEvent(e.type(), e.orderId(), ShopEvent.decodeFields(e.encodedFields()));
        assertThat(back).isEqualTo(e);
        assertThat(e.toMessage("t").getKeys()).isEqualTo("o9");
        assertThat(e.toMessage("t").getTags()).isEqualTo("OrderPlaced");
        assertThat(e.toMessage("t").getUserProperty("eventId")).isEqualTo("OrderPlaced:o9");
    }
}
