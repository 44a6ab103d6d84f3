package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.task.sink.SinkTask;
import io.openmessaging.connector.api.data.ConnectRecord;
import io.openmessaging.connector.api.data.Field;
import io.openmessaging.connector.api.data.RecordOffset;
import io.openmessaging.connector.api.data.RecordPartition;
import io.openmessaging.connector.api.data.Struct;
import io.openmessaging.connector.api.errors.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The task of {@link TableSinkConnector}. {@code put} upserts each record in an open database
 * transaction ({@code MERGE INTO ... KEY(id)}); {@code flush}, which the worker calls through
 * {@code preCommit} before it commits the consumer offsets, commits that transaction. So an offset is
 * committed only for rows that are durable, and rows put but not yet flushed when the worker dies
 * are rolled back and put again: nothing lost, and nothing twice because each is an upsert.
 */
public class TableSinkTask extends SinkTask {

    private Connection connection;
    private String table;
    private String keyField;

    @Override
    public void start(KeyValue config) {
        table = config.getString("table");
        keyField = config.getString("key.field", "id");
        try {
            connection = DriverManager.getConnection(config.getString("jdbc.url"));
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new ConnectException("cannot connect to " + config.getString("jdbc.url") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(List<ConnectRecord> records) {
        try {
            for (ConnectRecord record : records) {
                Struct row = (Struct) record.getData();
                List<Field> fields = row.getSchema().getFields();
                String columns = fields.stream().map(Field::getName).collect(Collectors.joining(", "));
                String marks = fields.stream().map(f -> "?").collect(Collectors.joining(", "));
                try (PreparedStatement upsert = connection.prepareStatement(
                    "MERGE INTO " + table + " (" + columns + ") KEY(" + keyField + ") VALUES (" + marks + ")")) {
                    for (int i = 0; i < fields.size(); i++) {
                        upsert.setObject(i + 1, row.get(fields.get(i)));
                    }
                    upsert.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new ConnectException("writing " + records.size() + " records to " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void flush(Map<RecordPartition, RecordOffset> currentOffsets) {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw new ConnectException("committing " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            throw new ConnectException(e);
        }
    }
}
