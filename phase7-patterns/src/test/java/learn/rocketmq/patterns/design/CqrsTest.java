package learn.rocketmq.patterns.design;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class CqrsTest {

    @Test
    void theProjectionAppliesEachEventOnceInOrderAndARebuiltProjectionEqualsTheLiveOne(RocketMQ rocketmq) throws Exception {
        Cqrs.Result r = Cqrs.run(rocketmq, "jdbc:h2:mem:" + UniqueNames.of("cqrs") + ";DB_CLOSE_DELAY=-1", UniqueNames.of("OrderEvents"),
            UniqueNames.of("cqrs"));

        Map<Long, String> expected = new TreeMap<>();
        for (long id = 1; id <= 20; id++) {
            expected.put(id, (id % 2 == 0 ? "PAID " : id % 5 == 0 ? "CANCELLED " : "PLACED ") + 100 * id);
        }
        assertThat(r.live()).isEqualTo(expected);
        assertThat(r.rebuilt()).isEqualTo(expected);
        // Paid orders 2..20 by customer (id % 4): the duplicate payment of order 4 was not counted twice.
        assertThat(r.customerTotals()).isEqualTo(Map.of("customer-0", 400L + 800 + 1200 + 1600 + 2000, "customer-2", 200L + 600 + 1000 + 1400 + 1800));
        assertThat(r.duplicatesIgnored()).isGreaterThanOrEqualTo(1); // ours, and any redelivery
        // One lag measured per applied event (20 placed + 10 paid + 2 cancelled).
        assertThat(r.lagMillis()).hasSize(32).allSatisfy(lag -> assertThat(lag).isGreaterThanOrEqualTo(0));
    }
}
