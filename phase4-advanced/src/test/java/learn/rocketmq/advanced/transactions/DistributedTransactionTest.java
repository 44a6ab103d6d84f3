package learn.rocketmq.advanced.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RocketMQExtension.class)
class DistributedTransactionTest {

    @Test
    void withAProducerCrashAFailingLocalTransactionAndAnUnknownCheckNoOrderIsLostAndNothingIsOrphaned(RocketMQ rocketmq,
        @TempDir Path dir) throws Exception {
        DistributedTransaction.Result r = DistributedTransaction.run(rocketmq, dir.toString(),
            UniqueNames.of("DistributedTransaction"), UniqueNames.of("distributed-tx-orders"),
            UniqueNames.of("distributed-tx-accounts"));

        // No order lost: the 6 normal orders, the pending one once paid, and the one whose producer
        // died after its database commit are all confirmed...
        assertThat(OrderTable.confirmed(r.orders())).containsExactlyInAnyOrder(
            "order-1", "order-2", "order-3", "order-4", "order-5", "order-6", "order-pending", "order-crash");
        // ...the failed local transaction left no row...
        assertThat(r.orders()).doesNotContainKey("order-fails");
        // ...and exactly the confirmed orders were debited: no row without its message, no message without its row.
        assertThat(r.debits().keySet()).isEqualTo(OrderTable.confirmed(r.orders()));
        assertThat(r.deliveries()).doesNotContainKey("order-fails");
        // Debited once each, duplicates or not: the balance is exact.
        int total = r.debits().values().stream().mapToInt(Integer::intValue).sum();
        assertThat(total).isEqualTo(10 + 20 + 30 + 40 + 50 + 60 + 300 + 200);
        assertThat(r.balance()).isEqualTo(DistributedTransaction.INITIAL_BALANCE - total);
        // The crashed order was saved by a check-back (from the new instance), the pending one
        // answered UNKNOWN before it was committed.
        assertThat(r.checks()).anySatisfy(c -> {
            assertThat(c.orderId()).isEqualTo("order-crash");
            assertThat(c.answer()).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
        });
        assertThat(r.checks()).filteredOn(c -> c.orderId().equals("order-pending"))
            .extracting(OrderService.Check::answer)
            .startsWith(LocalTransactionState.UNKNOW, LocalTransactionState.UNKNOW).contains(LocalTransactionState.COMMIT_MESSAGE);
        assertThat(r.checks()).filteredOn(c -> c.orderId().equals("order-fails"))
            .allSatisfy(c -> assertThat(c.answer()).isNotEqualTo(LocalTransactionState.COMMIT_MESSAGE));
    }
}
