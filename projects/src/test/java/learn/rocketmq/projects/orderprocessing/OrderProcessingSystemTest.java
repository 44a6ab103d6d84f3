package learn.rocketmq.projects.orderprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.projects.orderprocessing.OrderProcessingSystem.OrderState;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OrderProcessingSystemTest {

    @Test
    void fiftyInterleavedOrdersAreEachProcessedInSequenceWhileQueuesRunInParallel(RocketMQ rocketmq) throws Exception {
        int orders = 50;
        // Random interleaving; the seed is printed and named in every failure, to replay a failed run
        // with -Dorder.seed=<seed>.
        long seed = Long.getLong("order.seed", System.nanoTime());
        System.out.println("[OrderProcessingSystemTest] interleaving seed " + seed);
        OrderProcessingSystem.Result result = OrderProcessingSystem.run(rocketmq, UniqueNames.of("OrderEvents"),
            UniqueNames.of("order-fulfilment"), orders, seed);

        List<OrderState> lifecycle = List.of(OrderState.CREATED, OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED);
        assertThat(result.violations()).as("transitions refused by the state machine (seed %d)", seed).isEmpty();
        assertThat(result.history()).hasSize(orders);
        result.history().forEach((order, applied) -> assertThat(applied).as("states of %s (seed %d)", order, seed)
            .isEqualTo(lifecycle));
        assertThat(result.completedOrders()).isEqualTo(orders);
        // Consumed concurrently: the events spread over all queues, processed on several threads at once.
        assertThat(result.queues()).hasSize(4);
        assertThat(result.threads()).hasSizeGreaterThan(1);
        assertThat(result.maxConcurrent()).isGreaterThan(1);
    }
}
