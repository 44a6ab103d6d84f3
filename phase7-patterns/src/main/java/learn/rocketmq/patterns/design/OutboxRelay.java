package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * The outbox relay: publishes the outbox rows not yet published, oldest first, and marks each one
 * once the broker has acknowledged it. Publish and mark are two steps in two systems, with no
 * transaction around both: a relay that dies between them publishes that row again when it
 * restarts. So the relay is at-least-once, and the message carries the outbox row's id as its key
 * for the consumer to deduplicate on.
 */
public final class OutboxRelay {

    /** Thrown to stop the relay right after a publish and before its mark, as a crash would. */
    public static final class Crash extends RuntimeException {
        Crash(long row) {
            super("relay died after publishing outbox row " + row + " and before marking it");
        }
    }


    private final String jdbcUrl;
    private final DefaultMQProducer producer;
    private final String topic;

    public OutboxRelay(String jdbcUrl, DefaultMQProducer producer, String topic) {
        this.jdbcUrl = jdbcUrl;
        this.producer = producer;
        this.topic = topic;
    }

    /** One pass over the outbox, dying after the {@code dieAfter}-th publish (0: never). Returns rows published. */
    public int relay(int dieAfter) throws Exception {
        int published = 0;
        try (Connection db = DriverManager.getConnection(jdbcUrl);
             ResultSet rows = db.createStatement().executeQuery("SELECT id, order_id, payload FROM outbox WHERE NOT published ORDER BY id");
             PreparedStatement mark = db.prepareStatement("UPDATE outbox SET published = TRUE WHERE id = ?")) {
            while (rows.next()) {
                long id = rows.getLong("id");
                Message event = new Message(topic, rows.getString("payload").getBytes(StandardCharsets.UTF_8));
                event.setKeys("outbox-" + id);
                if (producer.send(event).getSendStatus() != SendStatus.SEND_OK) {
                    return published; // not safely stored: leave the row for the next pass
                }
                published++;
                if (published == dieAfter) {
                    throw new Crash(id);
                }
                mark.setLong(1, id);
                mark.executeUpdate();
            }
        }
        return published;
    }
}
