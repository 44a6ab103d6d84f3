package learn.rocketmq.patterns.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerformanceTestingTest {

    @Test
    void aBrokerStallIsOneSlowSendToAClosedLoopAndHundredsToAnOpenOne(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("latency.png");
        try (RocketMQCluster cluster = RocketMQCluster.topology().brokerGroup("broker-a").start()) {
            PerformanceTesting.Result r = PerformanceTesting.run(cluster, UniqueNames.of("Perf"), 200, Duration.ofSeconds(4),
                Duration.ofSeconds(1), Duration.ofMillis(100), chart);

            assertThat(r.failed()).isZero();
            assertThat(r.closedLoop().count()).isEqualTo(800);
            assertThat(r.openLoop().count()).isEqualTo(800);
            // Both saw the one-second stall (their slowest message waited through it) ...
            assertThat(r.closedLoop().maxMillis()).isGreaterThanOrEqualTo(900);
            assertThat(r.openLoop().maxMillis()).isGreaterThanOrEqualTo(900);
            // ... but the closed loop sent nothing meanwhile: a handful over budget, where the open loop
            // counts every message that was due during the stall (about 200 a second).
            assertThat(r.openLoop().overBudget()).isGreaterThanOrEqualTo(100);
            assertThat(r.closedLoop().overBudget()).isLessThanOrEqualTo(r.openLoop().overBudget() / 10);
            assertThat(r.openLoop().p99Millis()).isGreaterThan(r.budgetMillis());
            // The chart: a PNG of every message's latency.
            BufferedImage png = ImageIO.read(chart.toFile());
            assertThat(png.getWidth()).isEqualTo(1000);
            assertThat(png.getHeight()).isEqualTo(500);
        }
    }
}
