package learn.rocketmq.advanced.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import learn.rocketmq.advanced.transactions.OrderServiceGrpc.Check;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RocketMQExtension.class)
class TransactionalOrderServiceGrpcTest {

    @Test
    void aMessageIsDeliveredExactlyWhenItsOrderRowIsConfirmedEvenIfTheProducerDiesBeforeItsCommit(RocketMQ rocketmq,
        @TempDir Path dir) throws Exception {
        TransactionalOrderServiceGrpc.Result r = TransactionalOrderServiceGrpc.run(rocketmq, "jdbc:h2:" + dir.resolve("orders"),
            UniqueNames.of("TransactionalOrderServiceGrpc"), UniqueNames.of("transactional-order-service-grpc"));

        // The database: the failed local transaction left no row; every other order is confirmed in the end.
        assertThat(r.rows()).doesNotContainKey("order-fails");
        assertThat(r.confirmed()).containsExactlyInAnyOrder("order-1", "order-2", "order-3", "order-pending", "order-crash",
            "order-after-restart");
        // No message without its row, no confirmed row without its message.
        assertThat(r.deliveries().keySet()).isEqualTo(r.confirmed());
        // The rolled-back order: sent before everything else and still not delivered once order-after-restart,
        // sent after all the others had arrived, was delivered.
        assertThat(r.deliveries()).containsKey("order-after-restart").doesNotContainKey("order-fails");

        // The dead producer's order: nobody ever called commit() for it; the broker asked, and the new
        // instance answered COMMIT from the row.
        assertThat(r.checksOf("order-crash")).as("check-backs about order-crash")
            .filteredOn(c -> c.instance().equals("instance 2")).isNotEmpty()
            .anySatisfy(c -> assertThat(c.answer()).isEqualTo(TransactionResolution.COMMIT));
        // The pending order: UNKNOWN while its row said PENDING (not delivered meanwhile), COMMIT once CONFIRMED.
        assertThat(r.checksOf("order-pending")).extracting(Check::answer)
            .startsWith(TransactionResolution.UNKNOWN, TransactionResolution.UNKNOWN).endsWith(TransactionResolution.COMMIT);
        assertThat(r.deliveredBeforePayment()).doesNotContain("order-pending");
        // No check-back ever committed an order the database does not hold as CONFIRMED.
        assertThat(r.checks()).filteredOn(c -> c.answer() == TransactionResolution.COMMIT)
            .allSatisfy(c -> assertThat(r.confirmed()).contains(c.orderId()));
    }

    @Test
    void theCheckerAnswersFromTheDatabaseAndNeverCommitsByDefault(RocketMQ rocketmq, RocketMQAdmin admin, @TempDir Path dir)
        throws Exception {
        String topic = UniqueNames.of("TransactionalOrderServiceGrpcChecker");
        admin.createTopic(topic, TopicMessageType.TRANSACTION, 1);
        String jdbcUrl = "jdbc:h2:" + dir.resolve("orders");
        List<Check> checks = new CopyOnWriteArrayList<>();
        try (OrderServiceGrpc service = new OrderServiceGrpc(rocketmq, jdbcUrl, topic, "instance 1", checks)) {
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders (id, amount, status) VALUES ('confirmed', 1, 'CONFIRMED'),"
                    + " ('pending', 1, 'PENDING'), ('cancelled', 1, 'CANCELLED')");
            }
            long young = 0;
            long old = OrderBehaviour.LOCAL_TRANSACTION_TIMEOUT_MILLIS;
            assertThat(service.fromDatabase("confirmed", old)).isEqualTo(TransactionResolution.COMMIT);
            assertThat(service.fromDatabase("pending", old)).isEqualTo(TransactionResolution.UNKNOWN);
            assertThat(service.fromDatabase("cancelled", young)).isEqualTo(TransactionResolution.ROLLBACK);
            // No row: the local transaction may still be running (UNKNOWN), or it never committed (ROLLBACK).
            assertThat(service.fromDatabase("no-row", young)).isEqualTo(TransactionResolution.UNKNOWN);
            assertThat(service.fromDatabase("no-row", old)).isEqualTo(TransactionResolution.ROLLBACK);
        }
    }
}
