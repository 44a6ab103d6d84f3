package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.errors.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Writing a connector of your own: {@link FileLinesSourceConnector} ships the lines of log files,
 * and a transform of your own, {@link LogLevelTransform}, drops DEBUG lines and tags the level.
 * Roadmap: 6.4 RocketMQ Connect: Custom connectors.
 *
 * <p>What a connector must get right, each shown here: refuse a bad config in {@code validate} with
 * what to fix; split the work in {@code taskConfigs} so no partition (here a file) has two tasks,
 * which keeps each file's lines in order; choose a position that lets a task go on exactly where it
 * stopped (the byte offset after the last complete line, so a half-written line is never sent); and
 * read that position back on start. A transform returning null drops a record, but its position
 * still advances. The worker is {@link ConnectWorker}, the lessons' stand-in for the unpublished
 * RocketMQ Connect runtime; the classes use only the real connector API.
 * Run it: {@code ./lesson CustomConnectors}.
 */
public class CustomConnectors {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, Files.createTempDirectory("lesson-custom-connector"), "LessonCustomConnectors", "lesson-log-files");
        System.out.printf("Done: tasks %s; %d lines shipped: %s.%n", r.taskFiles(), r.shipped().size(), r.shipped().keySet());
    }

    /** The files of each task, the refusal of a missing directory, and what the topic holds: key → "LEVEL line" (and how often). */
    public record Result(List<String> taskFiles, String refusal, Map<String, String> shipped, Map<String, Integer> keyCounts) {
    }

    public static Result run(RocketMQ rocketmq, Path directory, String topic, String connector) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            append(directory, "app.log", "10:00:01 INFO app started\n10:00:02 DEBUG cache warm\n10:00:03 WARN slow disk\n10:00:04 INFO ready\n");
            append(directory, "web.log", "10:00:01 INFO listening\n10:00:02 DEBUG GET /health\n10:00:03 ERROR 500 on /pay\n");
            append(directory, "db.log", "10:00:01 INFO pool open\n10:00:02 INFO 10 connections\n");
            Map<String, String> entries = new HashMap<>(Map.of("connector.class", FileLinesSourceConnector.class.getName(),
                "directory", directory.resolve("missing").toString(), "connect.topicname", topic, "max.tasks", "2",
                "transforms", LogLevelTransform.class.getName(), "min.level", "INFO"));
            List<String> taskFiles;
            String refusal;
            try (ConnectWorker worker = new ConnectWorker(rocketmq, connector + "-worker-1", Duration.ofSeconds(1))) {
                // 1. validate() refuses a directory that does not exist, before any task starts.
                try {
                    worker.start(connector, ConnectWorker.config(entries));
                    refusal = "accepted";
                } catch (ConnectException e) {
                    refusal = e.getMessage();
                }
                System.out.printf("1. %s%n", refusal);

                // 2. Three files over two tasks; 7 of the 9 lines are INFO or above.
                entries.put("directory", directory.toString());
                List<KeyValue> configs = worker.start(connector, ConnectWorker.config(entries));
                taskFiles = configs.stream().map(c -> c.getString("files")).toList();
                Wait.until(Duration.ofSeconds(30), "7 lines in " + topic, () -> admin.storedMessages(topic) >= 7);
                System.out.printf("2. Tasks %s shipped %d lines%n", taskFiles, admin.storedMessages(topic));

                // 3. More lines while it runs, and a line still being written (no newline yet): not sent.
                append(directory, "app.log", "10:00:05 INFO order 1 paid\n10:00:06 DEBUG gc\n");
                append(directory, "web.log", "10:00:04 WARN retry");
                Wait.until(Duration.ofSeconds(30), "8 lines", () -> admin.storedMessages(topic) >= 8);
                System.out.printf("3. %d lines shipped; web.log's last line is half written%n", admin.storedMessages(topic));
            } // the worker stops: each task writes its positions

            // 4. The half line completed and one more, while no worker runs; a new worker goes on from the positions.
            append(directory, "web.log", " on /pay\n10:00:05 INFO recovered\n");
            try (ConnectWorker again = new ConnectWorker(rocketmq, connector + "-worker-2", Duration.ofSeconds(1))) {
                again.start(connector, ConnectWorker.config(entries));
                Wait.until(Duration.ofSeconds(30), "10 lines", () -> admin.storedMessages(topic) >= 10);
            }

            // 5. What the topic holds: each line once, as "LEVEL line".
            Map<String, String> shipped = new TreeMap<>();
            Map<String, Integer> counts = new TreeMap<>();
            JsonRecordConverter converter = new JsonRecordConverter();
            for (MessageExt m : TopicContents.readAll(rocketmq, topic)) {
                shipped.put(m.getKeys(), m.getUserProperty("level") + " " + converter.toConnectData(topic, m.getBody()).value());
                counts.merge(m.getKeys(), 1, Integer::sum);
            }
            shipped.forEach((key, line) -> System.out.printf("5. %-10s %s%n", key, line));
            return new Result(taskFiles, refusal, shipped, counts);
        }
    }

    private static void append(Path directory, String file, String text) throws Exception {
        Files.writeString(directory.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
