package learn.rocketmq.projects.distributedsystem;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * One event of the shop: its type is the message's tag, the order id its key (so it can be found
 * by key) and a property, its fields properties too. Its id is derived from what caused it (type
 * and order: in this saga each type happens once per order), so publishing it again after a crash
 * gives the same id, and every consumer deduplicates on it. The message id is no good for that: a
 * message sent again is a new message with a new id.
 */
record ShopEvent(String type, String orderId, Map<String, String> fields) {

    // The saga's events, in the order they happen.
    static final String ORDER_PLACED = "OrderPlaced";
    static final String STOCK_RESERVED = "StockReserved";
    static final String STOCK_REJECTED = "StockRejected";
    static final String PAYMENT_COMPLETED = "PaymentCompleted";
    static final String PAYMENT_DECLINED = "PaymentDeclined";
    /** Published by the dead-letter service for a payment that could not be made at all. */
    static final String PAYMENT_FAILED = "PaymentFailed";
    static final String STOCK_RELEASED = "StockReleased";

    ShopEvent {
        fields = Map.copyOf(fields);
    }

    static ShopEvent of(String type, String orderId, String... keyValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            fields.put(keyValues[i], keyValues[i + 1]);
        }
        return new ShopEvent(type, orderId, fields);
    }

    String eventId() {
        return type + ":" + orderId;
    }

    String field(String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException(eventId() + " has no field " + name);
        }
        return value;
    }

    /** The same order's next event, carrying this one's fields on. */
    ShopEvent next(String type, String... extra) {
        Map<String, String> carried = new LinkedHashMap<>(fields);
        for (int i = 0; i < extra.length; i += 2) {
            carried.put(extra[i], extra[i + 1]);
        }
        return new ShopEvent(type, orderId, carried);
    }

    Message toMessage(String topic) {
        Message m = new Message(topic, type, orderId, toString().getBytes(StandardCharsets.UTF_8));
        m.putUserProperty("eventId", eventId());
        m.putUserProperty("orderId", orderId);
        fields.forEach(m::putUserProperty);
        m.putUserProperty("fields", String.join(",", new TreeMap<>(fields).keySet())); // which properties are fields
        return m;
    }

    static ShopEvent from(MessageExt m) {
        Map<String, String> fields = new TreeMap<>();
        String[] names = m.getProperties().getOrDefault("fields", "").split(",");
        for (String name : names) {
            if (!name.isEmpty()) {
                fields.put(name, m.getUserProperty(name));
            }
        }
        return new ShopEvent(m.getTags(), m.getUserProperty("orderId"), fields);
    }

    /** Fields as {@code k=v;k=v}, as the outbox stores them. */
    String encodedFields() {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(fields).forEach((k, v) -> s.append(s.isEmpty() ? "" : ";").append(k).append('=').append(v));
        return s.toString();
    }

    static Map<String, String> decodeFields(String encoded) {
        Map<String, String> fields = new TreeMap<>();
        for (String pair : encoded.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }

    @Override
    public String toString() {
        return type + " " + orderId + " " + encodedFields();
    }
}
