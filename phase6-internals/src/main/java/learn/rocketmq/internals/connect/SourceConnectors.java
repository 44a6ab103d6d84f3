package learn.rocketmq.internals.connect;

import io.openmessaging.connector.api.data.RecordOffset;
import io.openmessaging.connector.api.data.RecordPartition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * A source connector: rows of a database table into a topic, and a worker stopped mid-stream and
 * started again without losing or repeating a row.
 * Roadmap: 6.4 RocketMQ Connect: Source connectors.
 *
 * <p>The worker here is {@link ConnectWorker}, a stand-in for the RocketMQ Connect runtime, which is
 * not published on Maven Central; the connector, {@link TableSourceConnector}, is written against the
 * real connector API and would run in the real runtime. A source task remembers where it is by
 * <em>position</em>: for a table, the last id sent. The worker notes a record's position once the
 * broker has acknowledged it and writes the positions to {@code connector-position-topic} every
 * commit interval and when the task stops; a task starting again reads its position there and goes
 * on after it. Stopped cleanly, nothing is sent twice; killed, the records since the last commit
 * are sent again (see the data pipeline project). Run it: {@code ./lesson SourceConnectors}.
 */
public class SourceConnectors {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        String db = "jdbc:h2:mem:lesson-source-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        Result r = run(rocketmq, db, "LessonSourceConnectors", "lesson-orders-source", 40);
        System.out.printf("Done: %d rows, %d messages, every row once: %s; position after the restart: %s.%n", r.rows(),
            r.keyCounts().values().stream().mapToInt(Integer::intValue).sum(), r.keyCounts().values().stream().allMatch(c -> c == 1),
            r.finalPosition());
    }

    /** The messages per key in the topic, the position the first worker committed when stopped, and the last one. */
    public record Result(int rows, Map<String, Integer> keyCounts, long sentBeforeStop, RecordOffset positionAtStop,
                         RecordOffset finalPosition) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String connector, int rows) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            db.createStatement().execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(40), amount_cents BIGINT)");
            var config = ConnectWorker.config(Map.of("connector.class", TableSourceConnector.class.getName(), "jdbc.url", jdbcUrl,
                "tables", "orders", "connect.topicname", topic, "max.tasks", "1", "poll.batch", "5"));
            RecordPartition orders = TableSourceTask.partition("orders");

            // 1. A worker runs the connector while an application writes the first half of the orders, one
            //    every 10 ms; the worker is stopped once it has sent a quarter of them.
            long sentBeforeStop;
            ConnectWorker worker = new ConnectWorker(rocketmq, connector + "-worker-1", Duration.ofSeconds(1));
            CompletableFuture<Void> writer;
            try {
                worker.start(connector, config);
                writer = CompletableFuture.runAsync(() -> insertOrders(jdbcUrl, 1, rows / 2));
                Wait.until(Duration.ofSeconds(30), rows / 4 + " rows sent", () -> worker.recordsSent() >= rows / 4);
            } finally {
                worker.close();
                sentBeforeStop = worker.recordsSent();
            }
            RecordOffset positionAtStop = ConnectWorker.committedPositions(rocketmq, connector).get(orders);
            System.out.printf("1. Worker stopped mid-stream after sending %d rows; committed position %s%n", sentBeforeStop, positionAtStop);

            // 2. While no worker runs, the application writes the rest.
            writer.get();
            insertOrders(jdbcUrl, rows / 2 + 1, rows);
            System.out.printf("2. %d orders in the table now%n", rows);

            // 3. A new worker: the task reads the position and sends only the rows after it.
            ConnectWorker again = new ConnectWorker(rocketmq, connector + "-worker-2", Duration.ofSeconds(1));
            try {
                again.start(connector, config);
                Wait.until(Duration.ofSeconds(30), "all " + rows + " rows in " + topic, () -> admin.storedMessages(topic) >= rows);
            } finally {
                again.close();
            }
            RecordOffset finalPosition = ConnectWorker.committedPositions(rocketmq, connector).get(orders);
            System.out.printf("3. Second worker sent %d rows; position now %s%n", again.recordsSent(), finalPosition);

            // 4. The topic: each row's key, counted.
            Map<String, Integer> counts = TopicContents.keyCounts(rocketmq, topic);
            System.out.printf("4. %s holds %d messages for %d keys (orders:1 .. orders:%d)%n", topic,
                counts.values().stream().mapToInt(Integer::intValue).sum(), counts.size(), rows);
            return new Result(rows, counts, sentBeforeStop, positionAtStop, finalPosition);
        }
    }

    private static void insertOrders(String jdbcUrl, int from, int to) {
        try (Connection db = DriverManager.getConnection(jdbcUrl);
             PreparedStatement insert = db.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
            for (int id = from; id <= to; id++) {
                insert.setLong(1, id);
                insert.setString(2, "customer-" + id % 7);
                insert.setLong(3, 1000L + id);
                insert.executeUpdate();
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("inserting orders: " + e.getMessage(), e);
        }
    }
}
