package learn.rocketmq.projects.eventdriven;

/**
 * The contract the services share, and the only thing they share: the event types (message
 * tags), what an event carries, and the order's states. In a real system this is the schema
 * module every service depends on.
 */
public final class Events {

    private Events() {
    }

    // The event types: the tags.
    public static final String ORDER_PLACED = "OrderPlaced";
    public static final String PAYMENT_COMPLETED = "PaymentCompleted";
    public static final String PAYMENT_DECLINED = "PaymentDeclined";
    public static final String ORDER_SHIPPED = "OrderShipped";

    /**
     * An event as a service sees it: its type (the tag), the order it is about (key and property
     * {@code orderId}, the correlation id), its id (derived from its cause, type and order, so a
     * retried publish has the same id) and the message that carried it.
     */
    public record Event(String type, String orderId, String eventId, long amount, String messageId) {
    }

    /** A later state wins, an earlier one never comes back (events may arrive in any order). */
    public enum OrderStatus { PLACED, PAID, SHIPPED, CANCELLED }
}
