package learn.rocketmq.projects.eventdriven;

import static learn.rocketmq.projects.eventdriven.Events.ORDER_PLACED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_COMPLETED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_DECLINED;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.projects.eventdriven.Events.Event;

/** The payment service: charges each placed order, or declines it over the card limit. */
final class Payments implements EventService.Handler {

    static final String SUBSCRIPTION = ORDER_PLACED;

    /** The payment service declines an order above this amount. */
    static final long CARD_LIMIT = 1000;

    /** Its database: order id -> amount charged. */
    private final Map<String, Long> charges = new ConcurrentHashMap<>();

    @Override
    public String handle(Event e, ServiceInstance out) throws Exception {
        if (e.amount() > CARD_LIMIT) {
            out.publish(PAYMENT_DECLINED, e.orderId(), e.amount());
            return "declined " + e.amount() + " (over the card limit), publishes " + PAYMENT_DECLINED;
        }
        charges.put(e.orderId(), e.amount());
        out.publish(PAYMENT_COMPLETED, e.orderId(), e.amount());
        return "charged " + e.amount() + ", publishes " + PAYMENT_COMPLETED;
    }

    Map<String, Long> charges() {
        return new TreeMap<>(charges);
    }
}
