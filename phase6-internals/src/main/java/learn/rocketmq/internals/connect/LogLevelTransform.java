package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.Transform;
import io.openmessaging.connector.api.data.ConnectRecord;

/**
 * A transform of our own (the real API's {@link Transform}), applied by the worker to each source
 * record before it is sent: a log line's level (its second word) becomes the message property
 * {@code level}, and lines below {@code min.level} (default INFO) are dropped by returning null.
 * The record's position still advances: a dropped line is not read again.
 */
public class LogLevelTransform implements Transform<ConnectRecord> {

    private static final java.util.List<String> LEVELS = java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private int minLevel;

    @Override
    public void start(KeyValue config) {
        minLevel = LEVELS.indexOf(config.getString("min.level", "INFO"));
    }

    @Override
    public ConnectRecord doTransform(ConnectRecord record) {
        String[] words = ((String) record.getData()).split(" ", 3);
        int level = words.length > 1 ? LEVELS.indexOf(words[1]) : -1;
        if (level >= 0 && level < minLevel) {
            return null;
        }
        record.addExtension("level", level >= 0 ? LEVELS.get(level) : "NONE");
        return record;
    }

    @Override
    public void stop() {
    }
}
