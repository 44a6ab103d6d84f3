package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.task.Task;
import io.openmessaging.connector.api.component.task.source.SourceConnector;
import io.openmessaging.connector.api.errors.ConnectException;
import io.openmessaging.internal.DefaultKeyValue;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A source connector for database tables (written against the real connector API): each table's
 * new rows, by an ever-growing {@code id} column (the "incrementing" mode of JDBC source
 * connectors), become records. Config: {@code jdbc.url}, {@code tables} (comma-separated), and the
 * worker's {@code connect.topicname}. The tables are shared out among at most {@code max.tasks}
 * tasks; each table is a partition, and its position is the last {@code id} sent.
 */
public class TableSourceConnector extends SourceConnector {

    private KeyValue config;

    @Override
    public void validate(KeyValue config) {
        for (String key : List.of("jdbc.url", "tables", "connect.topicname")) {
            if (config.getString(key, "").isBlank()) {
                throw new ConnectException("TableSourceConnector: config '" + key + "' is required");
            }
        }
        try (Connection c = DriverManager.getConnection(config.getString("jdbc.url"))) {
            for (String table : tables(config)) {
                try (var rs = c.getMetaData().getColumns(null, null, table.toUpperCase(), "ID")) {
                    if (!rs.next()) {
                        throw new ConnectException("TableSourceConnector: table " + table + " does not exist or has no id column");
                    }
                }
            }
        } catch (SQLException e) {
            throw new ConnectException("TableSourceConnector: cannot connect to " + config.getString("jdbc.url") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start(KeyValue config) {
        this.config = config;
    }

    /** Table i goes to task i mod n: no table is read by two tasks, so each partition has one writer. */
    @Override
    public List<KeyValue> taskConfigs(int maxTasks) {
        List<String> tables = tables(config);
        int n = Math.min(maxTasks, tables.size());
        List<KeyValue> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> mine = new ArrayList<>();
            for (int t = i; t < tables.size(); t += n) {
                mine.add(tables.get(t));
            }
            KeyValue task = new DefaultKeyValue();
            task.put("tables", String.join(",", mine));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TableSourceTask.class;
    }

    @Override
    public void stop() {
    }

    static List<String> tables(KeyValue config) {
        return Arrays.stream(config.getString("tables").split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
}
