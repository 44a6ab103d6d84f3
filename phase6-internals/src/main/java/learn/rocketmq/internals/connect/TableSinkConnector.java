package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.task.Task;
import io.openmessaging.connector.api.component.task.sink.SinkConnector;
import io.openmessaging.connector.api.errors.ConnectException;
import io.openmessaging.internal.DefaultKeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink connector writing records into a database table (written against the real connector
 * API). Config: {@code jdbc.url}, {@code table}, {@code key.field} (default {@code id}) and the
 * worker's {@code connect.topicnames}. Each record becomes an <em>upsert</em> of its Struct's fields
 * by the key field, so a record delivered twice (the at-least-once of any sink after a crash) leaves
 * the row as once. Every task gets the same config: the consumer group shares the queues among them.
 */
public class TableSinkConnector extends SinkConnector {

    private KeyValue config;

    @Override
    public void validate(KeyValue config) {
        for (String key : List.of("jdbc.url", "table", "connect.topicnames")) {
            if (config.getString(key, "").isBlank()) {
                throw new ConnectException("TableSinkConnector: config '" + key + "' is required");
            }
        }
    }

    @Override
    public void start(KeyValue config) {
        this.config = config;
    }

    @Override
    public List<KeyValue> taskConfigs(int maxTasks) {
        List<KeyValue> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            KeyValue task = new DefaultKeyValue();
            task.put("key.field", config.getString("key.field", "id"));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TableSinkTask.class;
    }

    @Override
    public void stop() {
    }
}
