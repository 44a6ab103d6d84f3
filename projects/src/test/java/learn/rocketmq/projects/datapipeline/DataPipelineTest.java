package learn.rocketmq.projects.datapipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end, its {@link PipelineWorker} process killed mid-way: the warehouse must
 * hold exactly the transformed non-test orders, row by row.
 */
@ExtendWith(RocketMQExtension.class)
class DataPipelineTest {

    @Test
    void theWarehouseHoldsEveryTransformedOrderExactlyOnceThoughTheWorkerWasKilledMidWay(RocketMQ rocketmq, @TempDir Path logs)
        throws Exception {
        DataPipeline.Result r = DataPipeline.run(rocketmq, UniqueNames.of("DataPipeline"), UniqueNames.of("pipeline"), 120, logs);

        // Killed mid-way: the warehouse had rows, and at most the first half of the orders existed then.
        assertThat(r.warehouseAtKill()).isBetween(1, 60);
        // Row by row, what the transform makes of each order: test orders dropped, dollars in euro cents.
        Map<Long, DataPipeline.Fact> expected = new TreeMap<>();
        r.orders().values().stream().filter(o -> !o.status().equals("TEST")).forEach(o -> expected.put(o.id(), new DataPipeline.Fact(o.id(),
            o.customer().toUpperCase(), o.currency().equals("USD") ? o.amountCents() * 92 / 100 : o.amountCents(), o.status())));
        assertThat(r.orders()).hasSize(120);
        assertThat(expected).hasSize(120 - 120 / 7);
        assertThat(r.warehouse()).isEqualTo(expected);
        // Every non-test order reached the topic; repeats after the kill are allowed (at-least-once).
        assertThat(r.distinctKeys()).isEqualTo(expected.size());
        assertThat(r.messages()).isGreaterThanOrEqualTo(r.distinctKeys());
    }
}
