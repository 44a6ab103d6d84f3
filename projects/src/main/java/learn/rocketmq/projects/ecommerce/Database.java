package learn.rocketmq.projects.ecommerce;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** Plain JDBC on a service's own H2 database: the few calls the services of this project make. */
final class Database {

    private Database() {
    }

    static void execute(String jdbcUrl, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.createStatement().execute(statement);
        }
    }

    /** Runs {@code statement} with {@code key} as its one parameter. */
    static void update(String jdbcUrl, String statement, String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); PreparedStatement s = c.prepareStatement(statement)) {
            s.setString(1, key);
            s.executeUpdate();
        }
    }

    /** A two-column query as a map: first column -> second. */
    static Map<String, Integer> query(String jdbcUrl, String select) throws SQLException {
        Map<String, Integer> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); ResultSet rs = c.createStatement().executeQuery(select)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getInt(2));
            }
        }
        return rows;
    }
}
