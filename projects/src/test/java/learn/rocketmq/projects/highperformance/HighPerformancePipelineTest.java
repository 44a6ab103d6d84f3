package learn.rocketmq.projects.highperformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import learn.rocketmq.internals.performance.LoadRun;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a smaller run: every event processed exactly once (a redelivery is skipped, not
 * applied), the balances and the checksum equal the sender's, a latency recorded per event, the
 * charts written. Its throughput and latency are figures for docs/phase6-performance.md, not asserted.
 */
class HighPerformancePipelineTest {

    @Test
    void everyEventIsProcessedOnceAndTheBalancesAndChecksumMatch(@TempDir Path out) throws Exception {
        int events = 20_000;
        try (RocketMQCluster cluster = LoadRun.topology().start()) {
            HighPerformancePipeline.Result r = HighPerformancePipeline.run(cluster, UniqueNames.of("Pipeline"), events, out);

            assertThat(r.processed()).isEqualTo(events);
            assertThat(r.lost()).isZero();
            assertThat(r.checksumsMatch()).as("CRC checksum of the processed bodies equals the sender's").isTrue();
            assertThat(r.balancesMatch()).isTrue();
            assertThat(r.latencyMicros().getTotalCount()).as("one latency per event processed once").isEqualTo(events);
            assertThat(r.processedPerSecond().stream().mapToLong(Long::longValue).sum()).isEqualTo(events);
            assertThat(r.files()).allSatisfy(png -> assertThat(ImageIO.read(png.toFile())).isNotNull());
        }
    }
}
