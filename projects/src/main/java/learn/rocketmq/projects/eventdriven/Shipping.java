package learn.rocketmq.projects.eventdriven;

import static learn.rocketmq.projects.eventdriven.Events.ORDER_SHIPPED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_COMPLETED;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.projects.eventdriven.Events.Event;

/** The shipping service: sends a parcel for each paid order. */
final class Shipping implements EventService.Handler {

    static final String SUBSCRIPTION = PAYMENT_COMPLETED;

    /** Its database: the parcels sent, in order. */
    private final List<String> shipments = new CopyOnWriteArrayList<>();

    @Override
    public String handle(Event e, ServiceInstance out) throws Exception {
        shipments.add(e.orderId());
        out.publish(ORDER_SHIPPED, e.orderId(), e.amount());
        return "parcel sent, publishes " + ORDER_SHIPPED;
    }

    List<String> shipments() {
        return List.copyOf(shipments);
    }
}
