package learn.rocketmq.internals.performance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM lab in quick mode: each broker runs the collector the lesson says (its own GC log says
 * which), a pre-touched heap is resident from the start and an untouched one is not, every
 * acknowledged message is stored. Memory is a count of pages, not a time: asserted; throughput is not.
 */
class JvmTuningTest {

    @Test
    void eachBrokerRunsItsCollectorAndAPreTouchedHeapIsResidentFromTheStart(@TempDir Path out) throws Exception {
        Path gcLogs = out.resolve("gc");
        try (RocketMQCluster cluster = JvmTuning.topology(gcLogs).start()) {
            JvmTuning.Result r = JvmTuning.run(cluster, UniqueNames.of("JvmTuning"), Duration.ofMillis(500), out);

            assertThat(Files.readString(gcLogs.resolve("broker-g1-gc.log"))).contains("Using G1");
            assertThat(Files.readString(gcLogs.resolve("broker-serial-gc.log"))).contains("Using Serial");
            assertThat(Files.readString(gcLogs.resolve("broker-zgc-gc.log"))).contains("Using The Z Garbage Collector");

            // -XX:+AlwaysPreTouch: the whole 1 GB heap resident before the first message; without it, a fraction.
            assertThat(r.memoryAtStart().get("broker-g1-pretouch").anonymousMb()).isGreaterThanOrEqualTo(1000);
            assertThat(r.memoryAtStart().get("broker-g1").anonymousMb()).isLessThan(700);

            assertThat(r.comparisons()).extracting(JvmTuning.Comparison::tuning).containsExactly("Serial GC", "ZGC");
            assertThat(r.comparisons()).allSatisfy(c -> {
                assertThat(c.baseline().figures().messages()).isPositive();
                assertThat(c.tuned().messages()).isPositive();
            });
            r.stored().forEach((broker, stored) -> assertThat(stored).as("%s stores what it acknowledged", broker)
                .isBetween(r.acknowledged().get(broker), r.acknowledged().get(broker) + r.failed().get(broker)));
            assertThat(Files.readAllLines(out.resolve("jvm-tuning.csv"))).hasSize(1 + 4);
            assertThat(ImageIO.read(out.resolve("jvm-tuning-gc.png").toFile())).isNotNull();
            assertThat(ImageIO.read(out.resolve("jvm-tuning-memory.png").toFile())).isNotNull();
        }
    }
}
