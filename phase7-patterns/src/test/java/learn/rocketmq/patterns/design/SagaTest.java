package learn.rocketmq.patterns.design;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SagaTest {

    @Test
    void aFailedStepAndATimedOutStepAreUndoneByEachCompensationExactlyOnce(RocketMQ rocketmq) throws Exception {
        Saga.Result r = Saga.run(rocketmq, "jdbc:h2:mem:" + UniqueNames.of("saga") + ";DB_CLOSE_DELAY=-1", UniqueNames.of("Saga"),
            UniqueNames.of("saga"));

        assertThat(r.sagas()).isEqualTo(Map.of(1L, "COMPLETED", 2L, "CANCELLED", 3L, "CANCELLED"));
        assertThat(r.work().get(1L)).containsExactly("inventory:reserve", "payment:charge", "shipping:ship");
        // Declined payment: the reservation released; nothing charged, nothing to refund.
        assertThat(r.work().get(2L)).containsExactly("inventory:reserve", "inventory:release");
        // Shipping never answered: after the timeout, the payment refunded and the stock released, once each.
        assertThat(r.work().get(3L)).hasSize(4).startsWith("inventory:reserve", "payment:charge")
            .containsOnlyOnce("payment:refund", "inventory:release");
        assertThat(r.work().get(3L)).doesNotContain("shipping:ship");
        assertThat(List.copyOf(r.work().keySet())).containsExactly(1L, 2L, 3L);
    }
}
