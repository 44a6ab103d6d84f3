package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The saga's participants: inventory (reserve, release), payment (charge, refund) and shipping
 * (ship), each a consumer group of its own reading its commands by tag, doing the work once per
 * order and action (a unique key in its table: a command delivered twice does it once) and replying
 * to the orchestrator. Payment declines the orders in {@code declined}; shipping never answers for
 * the orders in {@code unanswered} (a service that is down).
 */
public final class SagaParticipants implements AutoCloseable {

    private final DefaultMQPushConsumer consumer;

    private SagaParticipants(DefaultMQPushConsumer consumer) {
        this.consumer = consumer;
    }

    /** Starts participant {@code service} ("inventory", "payment" or "shipping"). */
    public static SagaParticipants start(RocketMQ rocketmq, String group, String service, String commands, String replies,
        DefaultMQProducer producer, String jdbcUrl, Set<Long> declined, Set<Long> unanswered) throws Exception {
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(commands, service);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                String[] command = new String(m.getBody(), StandardCharsets.UTF_8).split(",");
                long order = Long.parseLong(command[0]);
                String action = command[1];
                String reply;
                if (action.equals("charge") && declined.contains(order)) {
                    reply = "declined";
                } else if (action.equals("ship") && unanswered.contains(order)) {
                    continue; // down: no work, no answer
                } else {
                    try {
                        doOnce(jdbcUrl, service, order, action);
                    } catch (SQLException e) {
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                    reply = switch (action) {
                        case "reserve" -> "reserved";
                        case "release" -> "released";
                        case "charge" -> "charged";
                        case "refund" -> "refunded";
                        default -> "shipped";
                    };
                }
                try {
                    producer.send(new Message(replies, service, (order + "," + reply).getBytes(StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER; // the work is done once; the reply is sent again
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return new SagaParticipants(consumer);
    }

    /** The work, recorded once per order and action: a repeat hits the primary key and does nothing. */
    static void doOnce(String jdbcUrl, String service, long order, String action) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl);
             PreparedStatement work = db.prepareStatement("INSERT INTO work (service, order_id, action) VALUES (?, ?, ?)")) {
            work.setString(1, service);
            work.setLong(2, order);
            work.setString(3, action);
            work.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
