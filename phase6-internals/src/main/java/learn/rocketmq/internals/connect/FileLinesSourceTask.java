package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.task.source.SourceTask;
import io.openmessaging.connector.api.data.ConnectRecord;
import io.openmessaging.connector.api.data.RecordOffset;
import io.openmessaging.connector.api.data.RecordPartition;
import io.openmessaging.connector.api.data.SchemaBuilder;
import io.openmessaging.connector.api.errors.ConnectException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task of {@link FileLinesSourceConnector}. Its position in a file is a byte offset and a line
 * number: the end of the last complete line sent. A line still being written (no newline yet) waits
 * for the next poll, so no half line is ever sent. With nothing new, {@code poll()} waits 100 ms.
 */
public class FileLinesSourceTask extends SourceTask {

    private Path directory;
    private final Map<String, long[]> positions = new LinkedHashMap<>(); // file -> {byte offset, line number}

    @Override
    public void start(KeyValue config) {
        directory = Path.of(config.getString("directory"));
        for (String file : config.getString("files").split(",")) {
            RecordOffset committed = sourceTaskContext.offsetStorageReader().readOffset(partition(file));
            positions.put(file, committed == null ? new long[] {0, 0}
                : new long[] {((Number) committed.getOffset().get("byte")).longValue(), ((Number) committed.getOffset().get("line")).longValue()});
            System.out.printf("[%s] %s from line %d%n", sourceTaskContext.getTaskName(), file, positions.get(file)[1] + 1);
        }
    }

    @Override
    public List<ConnectRecord> poll() throws InterruptedException {
        List<ConnectRecord> records = new ArrayList<>();
        for (Map.Entry<String, long[]> file : positions.entrySet()) {
            long[] position = file.getValue();
            try (RandomAccessFile in = new RandomAccessFile(directory.resolve(file.getKey()).toFile(), "r")) {
                byte[] tail = new byte[(int) Math.max(0, in.length() - position[0])];
                in.seek(position[0]);
                in.readFully(tail);
                int start = 0;
                for (int i = 0; i < tail.length; i++) {
                    if (tail[i] == '\n') {
                        String line = new String(tail, start, i - start, StandardCharsets.UTF_8);
                        position[0] += i + 1 - start;
                        position[1]++;
                        start = i + 1;
                        ConnectRecord record = new ConnectRecord(partition(file.getKey()),
                            new RecordOffset(Map.of("byte", position[0], "line", position[1])), System.currentTimeMillis(),
                            SchemaBuilder.string().build(), line);
                        record.setKey(file.getKey() + ":" + position[1]);
                        record.addExtension("file", file.getKey());
                        records.add(record);
                    }
                }
            } catch (IOException e) {
                throw new ConnectException("reading " + directory.resolve(file.getKey()) + ": " + e.getMessage(), e);
            }
        }
        if (records.isEmpty()) {
            Thread.sleep(100);
        }
        return records;
    }

    @Override
    public void stop() {
    }

    public static RecordPartition partition(String file) {
        return new RecordPartition(Map.of("file", file));
    }
}
