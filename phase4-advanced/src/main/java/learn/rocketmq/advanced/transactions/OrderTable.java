package learn.rocketmq.advanced.transactions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order service's table in its own H2 database, shared by the classic and the 5.x order
 * services ({@link OrderService}, {@link OrderServiceGrpc}): what their local transactions write
 * and what their check-backs read. Plain JDBC.
 */
public final class OrderTable {

    private final String jdbcUrl;

    /** Opens the database, creating the table on first use. */
    public OrderTable(String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement create = c.prepareStatement("CREATE TABLE IF NOT EXISTS orders ("
                 + "id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL CHECK (amount > 0), status VARCHAR(16) NOT NULL)")) {
            create.execute();
        }
    }

    /**
     * The local transaction: inserts the order (PENDING while the payment is awaited, else
     * CONFIRMED) and commits. Returns false when the insert failed and the database rolled back
     * ({@link OrderBehaviour#FAIL_IN_LOCAL_TRANSACTION} makes it break the table's CHECK); throws
     * when the database cannot even say whether it committed.
     */
    public boolean save(String orderId, int amount, OrderBehaviour behaviour) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id, amount, status) VALUES (?, ?, ?)")) {
                insert.setString(1, orderId);
                insert.setInt(2, behaviour == OrderBehaviour.FAIL_IN_LOCAL_TRANSACTION ? -amount : amount); // violates the CHECK
                insert.setString(3, behaviour == OrderBehaviour.PENDING_PAYMENT ? "PENDING" : "CONFIRMED");
                insert.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                System.out.printf("  %s: the local transaction failed (%s): database rolled back%n", orderId,
                    e.getMessage().lines().findFirst().orElse(""));
                return false;
            }
        }
    }

    /** The payment arrived: PENDING becomes CONFIRMED (a plain database update). */
    public void confirmPayment(String orderId) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement update = c.prepareStatement("UPDATE orders SET status = 'CONFIRMED' WHERE id = ? AND status = 'PENDING'")) {
            update.setString(1, orderId);
            update.executeUpdate();
        }
        System.out.printf("%s: payment confirmed in the database%n", orderId);
    }

    /** The order's status, or null without a row. */
    public String status(String orderId) {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement select = c.prepareStatement("SELECT status FROM orders WHERE id = ?")) {
            select.setString(1, orderId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every order row: id -> status. */
    public Map<String, String> all() {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement select = c.prepareStatement("SELECT id, status FROM orders");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The ids of the CONFIRMED orders among {@code rows} (id -> status). */
    public static Set<String> confirmed(Map<String, String> rows) {
        Set<String> ids = new TreeSet<>();
        rows.forEach((id, status) -> {
            if (status.equals("CONFIRMED")) {
                ids.add(id);
            }
        });
        return ids;
    }
}
