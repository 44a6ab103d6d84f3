package learn.rocketmq.projects.notification;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A notification to one user, on the channels it has an address for. On the wire: the text as
 * the body, the id as the key, and one message property per channel, named after the channel and
 * holding the address ({@code email=ana@example.com}, {@code sms=+4915112345678},
 * {@code push=<device token>}): each channel's consumer group subscribes with the SQL92 selector
 * {@code <channel> IS NOT NULL}, so the broker hands it only what it has to deliver.
 */
public record Notification(String id, String text, Map<String, String> addresses) {

    public Message toMessage(String topic) {
        Message message = new Message(topic, "notification", id, text.getBytes(StandardCharsets.UTF_8));
        addresses.forEach(message::putUserProperty);
        return message;
    }

    /** The notification as channel {@code channel} received it (only its own address is needed). */
    public static Notification from(MessageExt message, String channel) {
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put(channel, message.getUserProperty(channel));
        return new Notification(message.getKeys(), new String(message.getBody(), StandardCharsets.UTF_8), addresses);
    }

    public String address(String channel) {
        return addresses.get(channel);
    }
}
