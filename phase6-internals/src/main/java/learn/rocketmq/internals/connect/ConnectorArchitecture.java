package learn.rocketmq.internals.connect;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.data.RecordOffset;
import io.openmessaging.connector.api.data.RecordPartition;
import io.openmessaging.connector.api.errors.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * The parts of RocketMQ Connect, each seen at work: worker, connector, tasks, converter, positions.
 * Roadmap: 6.4 RocketMQ Connect: Connector architecture.
 *
 * <p>A <b>worker</b> (here {@link ConnectWorker}, a stand-in for the RocketMQ Connect runtime, which
 * is not published on Maven Central) hosts <b>connectors</b>. A connector does not move data: it
 * checks its config ({@code validate}) and splits the work into task configs
 * ({@code taskConfigs(max.tasks)}). <b>Tasks</b> move the data, each on its own thread: a source
 * task's {@code poll()} returns records, a sink task's {@code put()} takes them. A record is a
 * <b>partition</b> (where it comes from: a table), a <b>position</b> in it (the row's id), a schema
 * and a value; the <b>converter</b> turns it into a message body and back. The worker keeps each
 * source partition's position in {@code connector-position-topic}. The real runtime adds a REST API
 * ({@code POST /connectors/{name}} with this same config), keeps configs and status in
 * {@code connector-config-topic} and {@code connector-status-topic}, and spreads tasks over the
 * workers of a cluster ({@code connector-cluster-topic}). See {@code docs/phase6-connect.md}.
 * Run it: {@code ./lesson ConnectorArchitecture}.
 */
public class ConnectorArchitecture {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        String db = "jdbc:h2:mem:lesson-architecture-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        Result r = run(rocketmq, db, "LessonConnectorArchitecture", "lesson-shop-source");
        System.out.printf("Done: %d tasks %s, positions %s.%n", r.taskTables().size(), r.taskTables(), r.positions());
    }

    /** The tables of each task, the refusal of a bad config, one message body, and the committed positions per table. */
    public record Result(List<String> taskTables, String refusal, String body, Map<String, Long> positions) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String connector) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            // Three tables of a shop, 3 + 2 + 1 rows.
            db.createStatement().execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, item VARCHAR(20), quantity INT)");
            db.createStatement().execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(20))");
            db.createStatement().execute("CREATE TABLE refunds (id BIGINT PRIMARY KEY, order_id BIGINT)");
            db.createStatement().execute("INSERT INTO orders VALUES (1, 'book', 2), (2, 'pen', 10), (3, 'lamp', 1)");
            db.createStatement().execute("INSERT INTO customers VALUES (1, 'Ada'), (2, 'Linus')");
            db.createStatement().execute("INSERT INTO refunds VALUES (1, 2)");

            List<String> taskTables;
            String refusal;
            String body;
            try (ConnectWorker worker = new ConnectWorker(rocketmq, connector + "-worker", Duration.ofSeconds(1))) {
                // 1. A config the connector refuses: validate() runs before anything starts.
                Map<String, String> entries = new HashMap<>(Map.of("connector.class", TableSourceConnector.class.getName(),
                    "jdbc.url", jdbcUrl, "tables", "orders,customers,invoices", "connect.topicname", topic, "max.tasks", "2"));
                try {
                    worker.start(connector, ConnectWorker.config(entries));
                    refusal = "accepted";
                } catch (ConnectException e) {
                    refusal = e.getMessage();
                }
                System.out.printf("1. tables=orders,customers,invoices: %s%n", refusal);

                // 2. The connector splits three tables over max.tasks=2 tasks; each task polls its own tables.
                entries.put("tables", "orders,customers,refunds");
                List<KeyValue> taskConfigs = worker.start(connector, ConnectWorker.config(entries));
                taskTables = taskConfigs.stream().map(c -> c.getString("tables")).toList();
                System.out.printf("2. %d task configs: %s%n", taskConfigs.size(), taskTables);
                Wait.until(Duration.ofSeconds(30), "6 rows in " + topic, () -> admin.storedMessages(topic) >= 6);

                // 3. What the converter made of a row: JSON with the row's schema inside.
                MessageExt first = TopicContents.readAll(rocketmq, topic).stream().filter(m -> "orders:1".equals(m.getKeys()))
                    .findFirst().orElseThrow();
                body = new String(first.getBody(), StandardCharsets.UTF_8);
                System.out.printf("3. Message %s (property table=%s): %s%n", first.getKeys(), first.getUserProperty("table"), body);
            } // 4. Closing the worker stops the tasks; each writes its positions first.
            Map<String, Long> positions = new TreeMap<>();
            for (Map.Entry<RecordPartition, RecordOffset> p : ConnectWorker.committedPositions(rocketmq, connector).entrySet()) {
                positions.put((String) p.getKey().getPartition().get("table"), ((Number) p.getValue().getOffset().get("id")).longValue());
            }
            System.out.printf("4. Positions in %s for %s: %s%n", ConnectWorker.POSITION_TOPIC, connector, positions);
            return new Result(taskTables, refusal, body, positions);
        }
    }
}
