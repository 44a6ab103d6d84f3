package learn.rocketmq.projects.ecommerce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RocketMQExtension.class)
class ECommerceOrderSystemTest {

    @Test
    void ordersFlowThroughInventoryAndPaymentByEventsAndTheOneOutOfStockIsCancelled(RocketMQ rocketmq, @TempDir Path dir)
        throws Exception {
        ECommerceOrderSystem.Result r = ECommerceOrderSystem.run(rocketmq, dir.toString(), UniqueNames.of("ECommerce"));

        // order-2 and order-3 race for the last lamp: whichever the inventory service handles first wins.
        assertThat(r.orders()).containsEntry("order-1", "PAID");
        assertThat(r.orders().get("order-2") + "," + r.orders().get("order-3")).isIn("PAID,CANCELLED", "CANCELLED,PAID");
        String lampWinner = r.orders().get("order-2").equals("PAID") ? "order-2" : "order-3";
        // Stock taken exactly once per paid order, paid exactly once, nothing for the cancelled one.
        assertThat(r.stock()).isEqualTo(Map.of("book", 3, "lamp", 0));
        assertThat(r.payments()).isEqualTo(Map.of("order-1", 30, lampWinner, 45));
    }
}
