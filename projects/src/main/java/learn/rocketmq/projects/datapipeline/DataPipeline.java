package learn.rocketmq.projects.datapipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.JavaProcess;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.h2.tools.Server;

/**
 * A data pipeline with connectors: a shop's orders table → a source connector → transform → a
 * RocketMQ topic → a sink connector → the warehouse's table, with the worker process killed
 * (SIGKILL) mid-way and started again.
 * Roadmap: Phase 6 hands-on: Data pipeline with connectors.
 *
 * <p>The databases are H2, served over TCP by this process so the worker, a process of its own
 * ({@link PipelineWorker}), reaches them as it would a real database. The kill loses what the
 * worker had not committed: source positions written every second (so rows sent since are sent
 * again) and the warehouse transaction with the sink's consumer offsets (so those messages are put
 * again). Nothing is lost, and the upsert by order id makes the repeats harmless: the test checks
 * the warehouse row by row. Run it: {@code ./lesson DataPipeline}.
 */
public class DataPipeline {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonDataPipeline", "lesson-pipeline", 200, Files.createTempDirectory("lesson-pipeline"));
        System.out.printf("Done: %d orders (%d test orders dropped), %d warehouse rows; %d messages in the topic (%d sent again after"
            + " the kill).%n", r.orders().size(), r.orders().values().stream().filter(o -> o.status().equals("TEST")).count(),
            r.warehouse().size(), r.messages(), r.messages() - r.distinctKeys());
    }

    /** An order as the shop wrote it, and a warehouse row. */
    public record Order(long id, String customer, long amountCents, String currency, String status) {
    }

    public record Fact(long id, String customer, long amountEurCents, String status) {
    }

    /** Every order written, the warehouse afterwards, the rows the warehouse had when the worker was killed, messages and keys in the topic. */
    public record Result(Map<Long, Order> orders, Map<Long, Fact> warehouse, int warehouseAtKill, long messages, long distinctKeys) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String name, int orders, Path logs) throws Exception {
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        String jdbc = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq); Connection db = DriverManager.getConnection(jdbc)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            db.createStatement().execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(40), amount_cents BIGINT,"
                + " currency VARCHAR(3), status VARCHAR(10))");
            db.createStatement().execute("CREATE TABLE order_facts (id BIGINT PRIMARY KEY, customer VARCHAR(40), amount_eur_cents BIGINT,"
                + " status VARCHAR(10))");
            Map<Long, Order> written = new TreeMap<>();
            List<String> workerArgs = List.of("--namesrv", rocketmq.nameServer(), "--jdbc", jdbc, "--topic", topic, "--name", name);

            // 1. The worker runs while the shop writes the first half of its orders, one every 40 ms.
            JavaProcess worker = JavaProcess.start("worker-1", PipelineWorker.class.getName(), workerArgs, logs);
            worker.awaitOutput("running", 0, Duration.ofSeconds(60));
            CompletableFuture<Void> shop = CompletableFuture.runAsync(() -> write(jdbc, 1, orders / 2, written));
            Wait.until(Duration.ofSeconds(60), "rows in the warehouse", () -> count(db) > 0);

            // 2. Killed mid-stream: no clean stop, nothing committed on the way out.
            worker.kill();
            int atKill = count(db);
            System.out.printf("1-2. Worker killed (SIGKILL) with %d rows in the warehouse, %d messages in %s%n", atKill,
                admin.storedMessages(topic), topic);

            // 3. The rest of the orders while no worker runs; then a new worker process.
            shop.get();
            write(jdbc, orders / 2 + 1, orders, written);
            long expected = written.values().stream().filter(o -> !o.status().equals("TEST")).count();
            JavaProcess again = JavaProcess.start("worker-2", PipelineWorker.class.getName(), workerArgs, logs);
            Wait.until(Duration.ofSeconds(60), expected + " warehouse rows", () -> count(db) >= expected);
            // Standard input closed: the worker stops cleanly (commits) and exits.
            if (again.stop() != 0) {
                throw new IllegalStateException("the second worker did not stop cleanly; its output: " + logs.resolve("worker-2.out"));
            }
            System.out.printf("3. Second worker done: %d rows in the warehouse for %d orders (%d test orders dropped)%n", count(db),
                orders, orders - expected);

            // 4. What the topic holds: rows sent again after the kill show up as repeated keys.
            Map<String, Integer> keys = TopicContents.keyCounts(rocketmq, topic);
            long messages = keys.values().stream().mapToLong(Integer::longValue).sum();
            System.out.printf("4. %s: %d messages for %d orders%n", topic, messages, keys.size());
            return new Result(written, warehouse(db), atKill, messages, keys.size());
        } finally {
            h2.stop();
        }
    }

    /** Orders {@code from..to}: every 7th a test order, every 3rd in dollars. */
    private static void write(String jdbc, int from, int to, Map<Long, Order> written) {
        try (Connection db = DriverManager.getConnection(jdbc);
             PreparedStatement insert = db.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?)")) {
            for (long id = from; id <= to; id++) {
                Order o = new Order(id, "customer-" + id % 11, 500 + id * 13, id % 3 == 0 ? "USD" : "EUR", id % 7 == 0 ? "TEST" : "PAID");
                insert.setLong(1, o.id());
                insert.setString(2, o.customer());
                insert.setLong(3, o.amountCents());
                insert.setString(4, o.currency());
                insert.setString(5, o.status());
                insert.executeUpdate();
                synchronized (written) {
                    written.put(id, o);
                }
                Thread.sleep(40);
            }
        } catch (Exception e) {
            throw new IllegalStateException("writing orders: " + e.getMessage(), e);
        }
    }

    private static int count(Connection db) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM order_facts")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<Long, Fact> warehouse(Connection db) throws Exception {
        Map<Long, Fact> rows = new TreeMap<>();
        try (ResultSet rs = db.createStatement().executeQuery("SELECT id, customer, amount_eur_cents, status FROM order_facts")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new Fact(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
            }
        }
        return rows;
    }
}
