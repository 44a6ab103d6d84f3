package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.task.source.SourceTask;
import io.openmessaging.connector.api.data.ConnectRecord;
import io.openmessaging.connector.api.data.FieldType;
import io.openmessaging.connector.api.data.RecordOffset;
import io.openmessaging.connector.api.data.RecordPartition;
import io.openmessaging.connector.api.data.Schema;
import io.openmessaging.connector.api.data.SchemaBuilder;
import io.openmessaging.connector.api.data.Struct;
import io.openmessaging.connector.api.errors.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task of {@link TableSourceConnector}: on start it asks the worker for each table's committed
 * position (the last id sent) and goes on after it; {@code poll()} returns up to
 * {@code poll.batch} (default 50) newer rows per table, each a record of a Struct whose schema
 * comes from the table's columns, keyed {@code <table>:<id>}. With nothing new it waits
 * {@code poll.interval.ms} (default 100) before it returns, as JDBC source tasks do.
 */
public class TableSourceTask extends SourceTask {

    private Connection connection;
    private final Map<String, Long> lastId = new LinkedHashMap<>();
    private int batch;
    private long pollInterval;

    @Override
    public void start(KeyValue config) {
        batch = config.getInt("poll.batch", 50);
        pollInterval = config.getLong("poll.interval.ms", 100);
        try {
            connection = DriverManager.getConnection(config.getString("jdbc.url"));
        } catch (SQLException e) {
            throw new ConnectException("cannot connect to " + config.getString("jdbc.url") + ": " + e.getMessage(), e);
        }
        for (String table : TableSourceConnector.tables(config)) {
            RecordOffset committed = sourceTaskContext.offsetStorageReader().readOffset(partition(table));
            long from = committed == null ? 0 : ((Number) committed.getOffset().get("id")).longValue();
            lastId.put(table, from);
            System.out.printf("[%s] table %s: %s%n", sourceTaskContext.getTaskName(), table,
                committed == null ? "no committed position, from the first row" : "committed position id " + from + ", from the next row");
        }
    }

    @Override
    public List<ConnectRecord> poll() throws InterruptedException {
        List<ConnectRecord> records = new ArrayList<>();
        try {
            for (Map.Entry<String, Long> table : lastId.entrySet()) {
                try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM " + table.getKey() + " WHERE id > ? ORDER BY id LIMIT " + batch)) {
                    select.setLong(1, table.getValue());
                    try (ResultSet rows = select.executeQuery()) {
                        Schema schema = schema(table.getKey(), rows.getMetaData());
                        while (rows.next()) {
                            Struct row = new Struct(schema);
                            for (var field : schema.getFields()) {
                                row.put(field, value(rows, field.getName(), field.getSchema().getFieldType()));
                            }
                            long id = rows.getLong("ID");
                            ConnectRecord record = new ConnectRecord(partition(table.getKey()), new RecordOffset(Map.of("id", id)),
                                System.currentTimeMillis(), schema, row);
                            record.setKey(table.getKey() + ":" + id);
                            record.addExtension("table", table.getKey());
                            records.add(record);
                            table.setValue(id);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new ConnectException("polling " + lastId.keySet() + ": " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            Thread.sleep(pollInterval);
        }
        return records;
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

    /** A table is a partition: its position is the id of the last row sent. */
    public static RecordPartition partition(String table) {
        return new RecordPartition(Map.of("table", table));
    }

    private static Schema schema(String table, ResultSetMetaData meta) throws SQLException {
        SchemaBuilder builder = SchemaBuilder.struct().name(table);
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            FieldType type = switch (meta.getColumnType(i)) {
                case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> FieldType.INT32;
                case Types.BIGINT -> FieldType.INT64;
                case Types.DOUBLE, Types.FLOAT, Types.REAL -> FieldType.FLOAT64;
                case Types.BOOLEAN -> FieldType.BOOLEAN;
                default -> FieldType.STRING;
            };
            builder.field(meta.getColumnLabel(i).toLowerCase(), new SchemaBuilder(type).optional().build());
        }
        return builder.build();
    }

    private static Object value(ResultSet rows, String column, FieldType type) throws SQLException {
        Object v = switch (type) {
            case INT32 -> rows.getInt(column);
            case INT64 -> rows.getLong(column);
            case FLOAT64 -> rows.getDouble(column);
            case BOOLEAN -> rows.getBoolean(column);
            default -> rows.getString(column);
        };
        return rows.wasNull() ? null : v;
    }
}
