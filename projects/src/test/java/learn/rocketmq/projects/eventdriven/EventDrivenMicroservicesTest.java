package learn.rocketmq.projects.eventdriven;

import static learn.rocketmq.projects.eventdriven.Events.ORDER_PLACED;
import static learn.rocketmq.projects.eventdriven.Events.ORDER_SHIPPED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_COMPLETED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_DECLINED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import learn.rocketmq.projects.eventdriven.Events.OrderStatus;
import learn.rocketmq.projects.eventdriven.EventDrivenMicroservices.Result;
import learn.rocketmq.projects.eventdriven.EventService.ServiceView;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One run of the whole story; each test asserts one of the things it teaches. */
@ExtendWith(RocketMQExtension.class)
class EventDrivenMicroservicesTest {

    private static Result r;

    @BeforeAll
    static void runTheStory(RocketMQ rocketmq) throws Exception {
        long start = System.nanoTime();
        r = EventDrivenMicroservices.run(rocketmq, UniqueNames.of("EventDriven"));
        System.out.printf("[EventDrivenMicroservicesTest] the story took %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void choreographyRunsTheSagaAndTheDeclinedPaymentCancelsTheOrder() {
        assertThat(r.orders()).isEqualTo(Map.of(
            "order-1", OrderStatus.SHIPPED, "order-2", OrderStatus.SHIPPED, "order-3", OrderStatus.CANCELLED,
            "order-4", OrderStatus.SHIPPED, "order-5", OrderStatus.SHIPPED, "order-6", OrderStatus.SHIPPED));
        // Charged and shipped exactly the paid orders, each once; the declined one neither.
        assertThat(r.charges()).isEqualTo(Map.of("order-1", 30L, "order-2", 45L, "order-4", 20L, "order-5", 60L, "order-6", 15L));
        assertThat(r.shipments()).containsExactlyInAnyOrder("order-1", "order-2", "order-4", "order-5", "order-6");
    }

    @Test
    void eachServiceInItsOwnGroupGetsEveryEventItSubscribesToAndOnlyThose() {
        ServiceView order = r.services().get("order");
        ServiceView payment = r.services().get("payment");
        ServiceView shipping = r.services().get("shipping");
        ServiceView notification = r.services().get("notification");
        // Processed events (duplicates ignored) by type: 6 orders, 5 paid, 1 declined, 5 shipped.
        assertThat(payment.processedByType()).isEqualTo(Map.of(ORDER_PLACED, 6));
        assertThat(shipping.processedByType()).isEqualTo(Map.of(PAYMENT_COMPLETED, 5));
        assertThat(order.processedByType()).isEqualTo(Map.of(PAYMENT_COMPLETED, 5, PAYMENT_DECLINED, 1, ORDER_SHIPPED, 5));
        assertThat(notification.processedByType())
            .isEqualTo(Map.of(ORDER_PLACED, 6, PAYMENT_COMPLETED, 5, PAYMENT_DECLINED, 1, ORDER_SHIPPED, 5));
        // The tag filter: nothing else was even delivered.
        assertThat(payment.tagsReceived()).containsExactly(ORDER_PLACED);
        assertThat(shipping.tagsReceived()).containsExactly(PAYMENT_COMPLETED);
        assertThat(order.tagsReceived()).containsExactlyInAnyOrder(PAYMENT_COMPLETED, PAYMENT_DECLINED, ORDER_SHIPPED);
        // Pub/sub: the very same OrderPlaced messages reached both groups, payment and notification.
        assertThat(all(notification.messagesByInstance())).containsAll(r.orderPlacedMessageIds());
        assertThat(all(payment.messagesByInstance())).containsAll(r.orderPlacedMessageIds());
    }

    @Test
    void twoInstancesOfOneServiceShareItsEventsEachMessageGoesToOneOfThem() {
        Map<String, Set<String>> byInstance = r.services().get("payment").messagesByInstance();
        assertThat(byInstance).containsOnlyKeys("payment#1", "payment#2");
        Set<String> first = byInstance.get("payment#1");
        Set<String> second = byInstance.get("payment#2");
        assertThat(r.orderPlacedMessageIds()).hasSize(7); // 6 orders, one sent twice
        Set<String> union = new HashSet<>(first);
        union.addAll(second);
        assertThat(union).isEqualTo(r.orderPlacedMessageIds());
        assertThat(first).as("delivered to both instances").doesNotContainAnyElementsOf(second);
        // Both work: while shipping is down the orders come one at a time, and the broker hands each
        // to the poll that has waited longest, so the two instances take turns.
        assertThat(first).isNotEmpty();
        assertThat(second).isNotEmpty();
    }

    @Test
    void whileShippingIsDownTheEventsWaitOnTheBrokerAndItCatchesUpWhenBack() {
        assertThat(r.ordersWhileShippingDown()).isEqualTo(Map.of(
            "order-1", OrderStatus.SHIPPED, "order-2", OrderStatus.SHIPPED, "order-3", OrderStatus.CANCELLED,
            "order-4", OrderStatus.PAID, "order-5", OrderStatus.PAID, "order-6", OrderStatus.PAID));
        assertThat(r.shippingLagWhileDown()).as("messages behind, at least the three PaymentCompleted").isGreaterThanOrEqualTo(3);
        // The first instance shipped the first orders, the restarted one (same group) the rest.
        Map<String, List<String>> shipped = r.services().get("shipping").eventsByInstance();
        assertThat(shipped).containsOnlyKeys("shipping#1", "shipping#2");
        assertThat(shipped.get("shipping#1")).containsExactlyInAnyOrder("PaymentCompleted:order-1", "PaymentCompleted:order-2");
        assertThat(shipped.get("shipping#2"))
            .containsExactlyInAnyOrder("PaymentCompleted:order-4", "PaymentCompleted:order-5", "PaymentCompleted:order-6");
    }

    @Test
    void anEventPublishedTwiceIsProcessedOnce() {
        String duplicated = r.duplicatedEventId();
        assertThat(duplicated).isEqualTo("OrderPlaced:order-1");
        ServiceView payment = r.services().get("payment");
        ServiceView notification = r.services().get("notification");
        // Both copies were delivered to both groups, as two messages...
        assertThat(payment.messagesByEventId().get(duplicated)).hasSize(2);
        assertThat(notification.messagesByEventId().get(duplicated)).hasSize(2);
        // ...and each service processed the event once and ignored the other copy.
        assertThat(payment.duplicatesIgnored()).containsOnly(duplicated);
        assertThat(notification.duplicatesIgnored()).containsOnly(duplicated);
        // So order-1 was charged once, and its PaymentCompleted published once.
        assertThat(notification.messagesByEventId().get("PaymentCompleted:order-1")).hasSize(1);
        assertThat(r.shipments()).containsOnlyOnce("order-1");
    }

    private static Set<String> all(Map<String, Set<String>> byInstance) {
        Set<String> all = new HashSet<>();
        byInstance.values().forEach(all::addAll);
        return all;
    }
}
