package learn.rocketmq.internals.connect;

import io.openmessaging.connector.api.data.Schema;
import io.openmessaging.connector.api.data.SchemaBuilder;
import io.openmessaging.connector.api.data.Struct;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * A sink connector: a topic into a database table, with an update, a duplicate, and a worker
 * stopped mid-stream and started again.
 * Roadmap: 6.4 RocketMQ Connect: Sink connectors.
 *
 * <p>The worker is {@link ConnectWorker}, a stand-in for the RocketMQ Connect runtime (not published
 * on Maven Central); {@link TableSinkConnector} is written against the real connector API. A sink
 * task gets records in {@code put}; the worker calls {@code preCommit} (which calls {@code flush})
 * every commit interval and only then commits the consumer group's offsets, so an offset never runs
 * ahead of what the sink made durable. After a crash the records since the last commit are put
 * again, so the sink writes each record as an upsert by its key: twice is the same as once. Records
 * of one key are sent to one queue, so the sink sees a key's updates in order. The bodies are what a
 * source's worker would send: JSON with the schema inside ({@link JsonRecordConverter}).
 * Run it: {@code ./lesson SinkConnectors}.
 */
public class SinkConnectors {

    static final Schema CUSTOMER = SchemaBuilder.struct().name("customer")
        .field("id", SchemaBuilder.int64().build()).field("name", SchemaBuilder.string().build())
        .field("city", SchemaBuilder.string().build()).build();

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        String db = "jdbc:h2:mem:lesson-sink-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        Result r = run(rocketmq, db, "LessonSinkConnectors", "lesson-customers-sink", 30);
        System.out.printf("Done: %d messages sent, %d records put, %d rows; customer 3 lives in %s.%n", r.sent(), r.put(),
            r.rows().size(), r.rows().get(3L));
    }

    /** Messages sent, records put (both workers), puts before the stop, and the table: id → city. */
    public record Result(int sent, long put, long putBeforeStop, Map<Long, String> rows) {
    }

    public static Result run(RocketMQ rocketmq, String jdbcUrl, String topic, String connector, int customers) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbcUrl)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            db.createStatement().execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(40), city VARCHAR(40))");
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(connector + "-app"), rocketmq);
            producer.start();
            try {
                // 1. The first half of the customers, customer 2 twice (a duplicate, as a crashed source sends it).
                int sent = send(producer, topic, 1, customers / 2, "Lyon") + send(producer, topic, 2, 2, "Lyon");
                System.out.printf("1. Sent %d records (customers 1..%d, customer 2 twice)%n", sent, customers / 2);

                // 2. A worker runs the sink; stopped once it has put a few records (it flushes and commits first).
                var config = ConnectWorker.config(Map.of("connector.class", TableSinkConnector.class.getName(), "jdbc.url", jdbcUrl,
                    "table", "customers", "key.field", "id", "connect.topicnames", topic, "max.tasks", "1"));
                ConnectWorker worker = new ConnectWorker(rocketmq, connector + "-worker-1", Duration.ofSeconds(1));
                try {
                    worker.start(connector, config);
                    Wait.until(Duration.ofSeconds(30), "records put", () -> worker.recordsPut() > 0);
                } finally {
                    worker.close();
                }
                System.out.printf("2. Worker stopped after putting %d records; %d rows in the table%n", worker.recordsPut(), rows(db).size());

                // 3. While it is stopped: the rest, and customer 3 moving (an update of a key already in the table).
                sent += send(producer, topic, customers / 2 + 1, customers, "Lyon") + send(producer, topic, 3, 3, "Nantes");
                System.out.printf("3. Sent the rest: %d records in all, customer 3 now in Nantes%n", sent);

                // 4. A new worker goes on from the group's committed offsets.
                ConnectWorker again = new ConnectWorker(rocketmq, connector + "-worker-2", Duration.ofSeconds(1));
                int total = sent;
                try {
                    again.start(connector, config);
                    Wait.until(Duration.ofSeconds(30), "every record put", () -> worker.recordsPut() + again.recordsPut() >= total);
                } finally {
                    again.close();
                }
                Map<Long, String> rows = rows(db);
                System.out.printf("4. Second worker put %d records; the table has %d rows%n", again.recordsPut(), rows.size());
                return new Result(sent, worker.recordsPut() + again.recordsPut(), worker.recordsPut(), rows);
            } finally {
                producer.shutdown();
            }
        }
    }

    /** Customers {@code from..to} as connector records, each to the queue of its id (a key's records in order). */
    private static int send(DefaultMQProducer producer, String topic, long from, long to, String city) throws Exception {
        JsonRecordConverter converter = new JsonRecordConverter();
        List<MessageQueue> queues = producer.fetchPublishMessageQueues(topic);
        for (long id = from; id <= to; id++) {
            Struct customer = new Struct(CUSTOMER).put("id", id).put("name", "customer-" + id).put("city", city);
            Message message = new Message(topic, converter.fromConnectData(topic, CUSTOMER, customer));
            message.setKeys("customer:" + id);
            producer.send(message, queues.get((int) (id % queues.size())));
        }
        return (int) (to - from + 1);
    }

    private static Map<Long, String> rows(Connection db) throws Exception {
        Map<Long, String> rows = new TreeMap<>();
        try (ResultSet rs = db.createStatement().executeQuery("SELECT id, city FROM customers")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }
}
