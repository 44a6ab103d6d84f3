package learn.rocketmq.projects.eventdriven;

import static learn.rocketmq.projects.eventdriven.Events.ORDER_PLACED;
import static learn.rocketmq.projects.eventdriven.Events.ORDER_SHIPPED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_COMPLETED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_DECLINED;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.projects.eventdriven.Events.Event;
import learn.rocketmq.projects.eventdriven.Events.OrderStatus;

/**
 * The order service: takes orders (publishes OrderPlaced) and follows each order's state from
 * what the other services publish. A declined payment cancels the order: the saga's compensation.
 */
final class Orders implements EventService.Handler {

    static final String SUBSCRIPTION = PAYMENT_COMPLETED + " || " + PAYMENT_DECLINED + " || " + ORDER_SHIPPED;

    /** Its database: order id -> state. */
    private final Map<String, OrderStatus> orders = new ConcurrentHashMap<>();

    /**
     * Records the order, then publishes the fact. (Row and event should commit together: a
     * transaction message, see the e-commerce project.) Returns the event id.
     */
    String place(ServiceInstance instance, String orderId, long amount) throws Exception {
        orders.put(orderId, OrderStatus.PLACED);
        return instance.publish(ORDER_PLACED, orderId, amount);
    }

    @Override
    public String handle(Event e, ServiceInstance out) {
        OrderStatus next = switch (e.type()) {
            case PAYMENT_COMPLETED -> OrderStatus.PAID;
            case PAYMENT_DECLINED -> OrderStatus.CANCELLED; // the compensation: undo the order
            default -> OrderStatus.SHIPPED;
        };
        OrderStatus before = orders.get(e.orderId());
        // Only forward: on a NORMAL topic a later event may arrive first.
        OrderStatus after = orders.merge(e.orderId(), next, (now, n) -> n.ordinal() > now.ordinal() ? n : now);
        return before == after ? "stays " + after + " (arrived late)" : before + " -> " + after;
    }

    Map<String, OrderStatus> states() {
        return new TreeMap<>(orders);
    }
}
