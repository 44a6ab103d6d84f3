package learn.rocketmq.projects.notification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/**
 * Which notification went out on which channel, in a real database (H2) with a unique key on
 * (notification id, channel): the channel consumers' idempotency. A consumer claims a delivery
 * before it calls the provider; a second copy of the message (a producer's retry, a redelivery)
 * finds the claim and is dropped. A failed delivery gives its claim back, so the retry may try.
 * (Claim first, then send: a crash between the two loses that one notification; send first,
 * then record: a crash between them sends it twice. Which is worse is the business's call; the
 * provider's idempotency key narrows the second.)
 */
public final class Deliveries implements AutoCloseable {

    private final Connection db;

    public Deliveries(String name) throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        try (var s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS deliveries (notification_id VARCHAR(100), channel VARCHAR(20),"
                + " PRIMARY KEY (notification_id, channel))");
        }
    }

    /** True if this caller may deliver (nobody has); false if it is a duplicate. */
    public synchronized boolean claim(String id, String channel) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO deliveries VALUES (?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, channel);
            insert.executeUpdate();
            return true;
        } catch (SQLIntegrityConstraintViolationException duplicate) {
            return false;
        }
    }

    /** The delivery failed: the next attempt may claim it again. */
    public synchronized void release(String id, String channel) throws SQLException {
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM deliveries WHERE notification_id = ? AND channel = ?")) {
            delete.setString(1, id);
            delete.setString(2, channel);
            delete.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        try (var s = db.createStatement()) {
            s.execute("SHUTDOWN");
        }
    }
}
