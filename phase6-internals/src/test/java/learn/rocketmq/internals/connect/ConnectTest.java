package learn.rocketmq.internals.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Connect lessons on the test JVM's stack: connectors written against the real connector API,
 * hosted by the lessons' stand-in worker ({@link ConnectWorker}).
 */
@ExtendWith(RocketMQExtension.class)
class ConnectTest {

    private static String database(String name) {
        return "jdbc:h2:mem:" + UniqueNames.of(name) + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    void aSourceConnectorStoppedMidStreamGoesOnFromItsCommittedPositionWithoutLosingOrRepeatingARow(RocketMQ rocketmq) throws Exception {
        SourceConnectors.Result r = SourceConnectors.run(rocketmq, database("source"), UniqueNames.of("ConnectSource"),
            UniqueNames.of("orders-source"), 40);

        // Stopped mid-stream: some rows sent, and the committed position is the last of them.
        assertThat(r.sentBeforeStop()).isBetween(10L, 20L);
        assertThat(((Number) r.positionAtStop().getOffset().get("id")).longValue()).isEqualTo(r.sentBeforeStop());
        // After the restart: every row in the topic exactly once, and the position at the last row.
        assertThat(r.keyCounts()).hasSize(40).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
        assertThat(r.keyCounts()).containsKeys("orders:1", "orders:40");
        assertThat(((Number) r.finalPosition().getOffset().get("id")).longValue()).isEqualTo(40);
    }

    @Test
    void aSinkConnectorUpsertsEveryRecordOnceAndAStoppedWorkerGoesOnFromTheCommittedOffsets(RocketMQ rocketmq) throws Exception {
        SinkConnectors.Result r = SinkConnectors.run(rocketmq, database("sink"), UniqueNames.of("ConnectSink"),
            UniqueNames.of("customers-sink"), 30);

        // 30 customers + a duplicate of 2 + an update of 3: 32 messages, each put exactly once across
        // the two workers (a clean stop commits what was put; the restart goes on after it).
        assertThat(r.sent()).isEqualTo(32);
        assertThat(r.putBeforeStop()).isBetween(1L, 31L);
        assertThat(r.put()).isEqualTo(32);
        // The table: one row per customer (the duplicate absorbed by the upsert), customer 3's update applied.
        assertThat(r.rows()).hasSize(30);
        assertThat(r.rows().get(3L)).isEqualTo("Nantes");
        assertThat(r.rows()).allSatisfy((id, city) -> assertThat(city).as("customer %d", id).isEqualTo(id == 3L ? "Nantes" : "Lyon"));
    }

    @Test
    void theConnectorSplitsTablesOverTasksRefusesABadConfigAndTheWorkerKeepsEachTablesPosition(RocketMQ rocketmq) throws Exception {
        ConnectorArchitecture.Result r = ConnectorArchitecture.run(rocketmq, database("architecture"), UniqueNames.of("ConnectArchitecture"),
            UniqueNames.of("shop-source"));

        assertThat(r.refusal()).isEqualTo("TableSourceConnector: table invoices does not exist or has no id column");
        assertThat(r.taskTables()).containsExactly("orders,refunds", "customers");
        // The converter's body: the row and its schema, typed as the table's columns are.
        assertThat(r.body()).contains("\"payload\":{\"id\":1,\"item\":\"book\",\"quantity\":2}")
            .contains("{\"name\":\"quantity\",\"type\":\"INT32\"}");
        assertThat(r.positions()).isEqualTo(Map.of("orders", 3L, "customers", 2L, "refunds", 1L));
    }

    @Test
    void aCustomConnectorShipsEachCompleteLineOnceAndItsTransformDropsDebugLines(RocketMQ rocketmq, @TempDir Path dir) throws Exception {
        CustomConnectors.Result r = CustomConnectors.run(rocketmq, dir, UniqueNames.of("ConnectCustom"), UniqueNames.of("log-files"));

        assertThat(r.refusal()).isEqualTo("FileLinesSourceConnector: directory " + dir.resolve("missing") + " does not exist");
        assertThat(r.taskFiles()).containsExactly("app.log,web.log", "db.log");
        assertThat(r.keyCounts()).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
        assertThat(r.shipped()).isEqualTo(Map.of(
            "app.log:1", "INFO 10:00:01 INFO app started", "app.log:3", "WARN 10:00:03 WARN slow disk",
            "app.log:4", "INFO 10:00:04 INFO ready", "app.log:5", "INFO 10:00:05 INFO order 1 paid",
            "web.log:1", "INFO 10:00:01 INFO listening", "web.log:3", "ERROR 10:00:03 ERROR 500 on /pay",
            // the line half written when the worker stopped: sent once, whole, by the next worker
            "web.log:4", "WARN 10:00:04 WARN retry on /pay", "web.log:5", "INFO 10:00:05 INFO recovered",
            "db.log:1", "INFO 10:00:01 INFO pool open", "db.log:2", "INFO 10:00:02 INFO 10 connections"));
    }
}
