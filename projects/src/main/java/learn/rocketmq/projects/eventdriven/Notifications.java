package learn.rocketmq.projects.eventdriven;

import static learn.rocketmq.projects.eventdriven.Events.ORDER_PLACED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_COMPLETED;
import static learn.rocketmq.projects.eventdriven.Events.PAYMENT_DECLINED;

import learn.rocketmq.projects.eventdriven.Events.Event;

/** The notification service: tells the customer about every event (it subscribes to all tags). */
final class Notifications implements EventService.Handler {

    static final String SUBSCRIPTION = "*";

    @Override
    public String handle(Event e, ServiceInstance out) {
        return switch (e.type()) {
            case ORDER_PLACED -> "mails the customer: we got your order";
            case PAYMENT_COMPLETED -> "mails the customer: payment received";
            case PAYMENT_DECLINED -> "mails the customer: payment declined, order cancelled";
            default -> "mails the customer: your parcel is on its way";
        };
    }
}
