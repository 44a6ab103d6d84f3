package learn.rocketmq.advanced.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RocketMQExtension.class)
class TransactionalOrderServiceTest {

    @Test
    void aMessageIsVisibleExactlyWhenItsOrderRowIsCommittedAndTheCheckBackReadsTheDatabase(RocketMQ rocketmq,
        @TempDir Path dir) throws Exception {
        String topic = UniqueNames.of("TransactionalOrders");
        TransactionalOrderService.Result result = TransactionalOrderService.run(rocketmq, "jdbc:h2:" + dir.resolve("orders"),
            topic, UniqueNames.of("transactional-orders"), UniqueNames.of("transactional-orders-consumer"));

        // The database: order-1 committed, order-2's transaction rolled back (no row), order-3 paid later.
        assertThat(result.complete()).as("every step of the lesson happened within its waits").isTrue();
        assertThat(result.rows()).isEqualTo(Map.of("order-1", "CONFIRMED", "order-3", "CONFIRMED"));
        // The messages: exactly the committed orders; the rolled-back half message never became visible
        // (a re-checked committed one may come twice: at-least-once).
        assertThat(result.delivered()).containsExactlyInAnyOrder("order-1", "order-3");
        // order-3: UNKNOWN while PENDING (at least twice), then COMMIT once the row said CONFIRMED.
        List<LocalTransactionState> order3 = result.checks().stream().filter(c -> c.orderId().equals("order-3"))
            .map(OrderService.Check::answer).toList();
        assertThat(order3.subList(0, 2)).containsOnly(LocalTransactionState.UNKNOW);
        assertThat(order3.get(order3.size() - 1)).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
        // The check-back never committed what the database does not hold.
        assertThat(result.checks()).filteredOn(c -> c.orderId().equals("order-2"))
            .allSatisfy(c -> assertThat(c.answer()).isNotEqualTo(LocalTransactionState.COMMIT_MESSAGE));
    }
}
