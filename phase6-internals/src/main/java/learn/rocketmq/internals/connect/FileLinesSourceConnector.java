package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.task.Task;
import io.openmessaging.connector.api.component.task.source.SourceConnector;
import io.openmessaging.connector.api.errors.ConnectException;
import io.openmessaging.internal.DefaultKeyValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A connector of our own for a source no published connector covers: the {@code *.log} files of a
 * directory, a record per complete line. Config: {@code directory} and the worker's
 * {@code connect.topicname}. Each file is a partition, so its lines stay in order; the files are
 * shared out among at most {@code max.tasks} tasks ({@link FileLinesSourceTask}).
 */
public class FileLinesSourceConnector extends SourceConnector {

    private KeyValue config;

    /** A bad config is refused here, before any task starts, with what to fix. */
    @Override
    public void validate(KeyValue config) {
        String directory = config.getString("directory", "");
        if (directory.isBlank()) {
            throw new ConnectException("FileLinesSourceConnector: config 'directory' is required");
        }
        if (!Files.isDirectory(Path.of(directory))) {
            throw new ConnectException("FileLinesSourceConnector: directory " + directory + " does not exist");
        }
        if (config.getString("connect.topicname", "").isBlank()) {
            throw new ConnectException("FileLinesSourceConnector: config 'connect.topicname' is required");
        }
    }

    @Override
    public void start(KeyValue config) {
        this.config = config;
    }

    /** File i to task i mod n, as the files are when the connector starts. */
    @Override
    public List<KeyValue> taskConfigs(int maxTasks) {
        List<String> files;
        try (Stream<Path> list = Files.list(Path.of(config.getString("directory")))) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new ConnectException("listing " + config.getString("directory") + ": " + e.getMessage(), e);
        }
        int n = Math.min(maxTasks, files.size());
        List<KeyValue> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> mine = new ArrayList<>();
            for (int f = i; f < files.size(); f += n) {
                mine.add(files.get(f));
            }
            KeyValue task = new DefaultKeyValue();
            task.put("files", String.join(",", mine));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileLinesSourceTask.class;
    }

    @Override
    public void stop() {
    }
}
