package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Message keys and user properties. A key is your business id (an order number): the broker puts
 * every key in its index, so a message can be found again by key, days later, without consuming
 * anything. User properties are your own name/value pairs carried next to the body, readable
 * without parsing it (and filterable with SQL92, phase 4).
 * Roadmap: 3.1 Producer Basics: Message keys and properties.
 *
 * <p>A message may have several keys ({@code setKeys(List)}: each one is indexed). The index is
 * written in the background after the message is stored, so a lookup right after sending may
 * find nothing yet: retry for a moment. Lookups are what {@code mqadmin queryMsgByKey} does and
 * what the dashboard's "message by key" page shows. Run it: {@code ./lesson MessageKeysAndProperties}.
 */
public class MessageKeysAndProperties {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonMessageKeysAndProperties", "lesson-message-keys-and-properties");
        System.out.printf("Done: %d messages sent, %d keys looked up.%n", result.sent().size(), result.found().size());
    }

    /** The send results, and for each key looked up the messages the broker's index found. */
    public record Result(List<SendResult> sent, Map<String, List<MessageExt>> found) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            DefaultMQProducer producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.start();
            List<SendResult> sent;
            long begin = System.currentTimeMillis() - 60_000;
            try {
                sent = List.of(
                    producer.send(order(topic, "order-1001", "customer-7", "eu", "19.90")),
                    producer.send(order(topic, "order-1002", "customer-7", "us", "5.00")),
                    producer.send(order(topic, "order-1003", "customer-8", "eu", "120.00")));
            } finally {
                producer.shutdown();
            }
            for (SendResult r : sent) {
                System.out.printf("Sent %s (id %s, queue %d).%n", r.getSendStatus(), r.getMsgId(), r.getMessageQueue().getQueueId());
            }

            // Find them again through the broker's index, by key: one order, then one customer's.
            // (mqadmin queryMsgByKey; the API is admin.api().queryMessage(topic, key, max, begin,
            // end). The index is written just after the store, so queryByKey asks again until found.)
            Map<String, List<MessageExt>> found = new LinkedHashMap<>();
            found.put("order-1002", admin.queryByKey(topic, "order-1002", 1, begin));
            found.put("customer-7", admin.queryByKey(topic, "customer-7", 2, begin));
            found.forEach((key, messages) -> {
                System.out.printf("Key %s finds %d message(s):%n", key, messages.size());
                for (MessageExt m : messages) {
                    System.out.printf("  \"%s\" keys=[%s] region=%s amount=%s (stored %tT)%n",
                        new String(m.getBody(), StandardCharsets.UTF_8), m.getKeys(), m.getUserProperty("region"),
                        m.getUserProperty("amount"), m.getStoreTimestamp());
                }
            });
            return new Result(sent, found);
        }
    }

    private static Message order(String topic, String orderId, String customer, String region, String amount) {
        Message message = new Message(topic, "OrderCreated", ("order " + orderId + " created").getBytes(StandardCharsets.UTF_8));
        // Two keys, both indexed: find the message by order or by customer. Keep keys unique
        // per business object; the index is a hash index, not a search engine.
        message.setKeys(List.of(orderId, customer));
        // User properties: strings, next to the body, returned with the message.
        message.putUserProperty("region", region);
        message.putUserProperty("amount", amount);
        return message;
    }
}
