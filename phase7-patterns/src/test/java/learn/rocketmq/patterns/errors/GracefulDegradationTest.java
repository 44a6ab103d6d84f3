package learn.rocketmq.patterns.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GracefulDegradationTest {

    @Test
    void ordersTakenWhileTheBrokerIsDownAreSpooledAndArriveInOrderNoneLost(@TempDir Path dir) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.topology().brokerGroup("broker-a").start()) {
            GracefulDegradation.Result r = GracefulDegradation.run(cluster, UniqueNames.of("Degradation"), dir.resolve("orders.spool"));

            // Everything taken while the broker was down, and while the spool was not yet drained, went to the
            // spool (orders 11..25 of 5 customers); the rest straight to the broker.
            assertThat(r.spooled()).isEqualTo(75);
            assertThat(r.sentAtOnce()).isEqualTo(75);
            // Each customer's orders 1..30 in the topic, each once, in the order they were taken.
            List<Integer> all = IntStream.rangeClosed(1, 30).boxed().toList();
            assertThat(r.orderPerCustomer()).hasSize(5).allSatisfy((customer, numbers) -> assertThat(numbers).as(customer).isEqualTo(all));
        }
    }
}
