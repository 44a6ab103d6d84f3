package learn.rocketmq.advanced.transactions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order service's table in its own H2 database, shared by the classic and the 5.x
 * transaction lessons ({@link TransactionalOrderService}, {@link TransactionalOrderServiceGrpc}):
 * what their local transactions write and what their check-backs read. Plain JDBC.
 */
final class OrderTable {

    private final String jdbcUrl;

    /** Opens the database, creating the table on first use. */
    OrderTable(String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement create = c.prepareStatement("CREATE TABLE IF NOT EXISTS orders ("
                 + "id VARCHAR(64) PRIMARY KEY, amount INT NOT NULL CHECK (amount > 0), status VARCHAR(16) NOT NULL)")) {
            create.execute();
        }
    }

    /** The payment arrived: PENDING becomes CONFIRMED (a plain database update). */
    void confirmPayment(String orderId) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement update = c.prepareStatement("UPDATE orders SET status = 'CONFIRMED' WHERE id = ? AND status = 'PENDING'")) {
            update.setString(1, orderId);
            update.executeUpdate();
        }
        System.out.printf("%s: payment confirmed in the database%n", orderId);
    }

    /** The order's status, or null without a row. */
    String status(String orderId) {
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
    Map<String, String> all() {
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
}
