package learn.rocketmq.internals.performance;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark lab in its quick mode, on the one cluster its lessons share (each on topics of
 * its own): every setting measured beside its baseline, every message accounted for, RocketMQ's
 * own benchmark tool read, CSV and charts written. No figure is asserted: on this machine a timed
 * unit test would be noise (the figures are in docs/phase6-performance.md, from full runs).
 */
class BenchmarkLabTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LoadRun.topology().start();
        System.out.printf("[benchmark] NameServer, broker and proxy (installation JVM options) started in %d ms%n", cluster.startMillis());
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyTuningIsMeasuredBesideItsBaselineAndEveryMessageIsAccountedFor(@TempDir Path out) throws Exception {
        {
            ProducerTuning.Result r = ProducerTuning.run(cluster, UniqueNames.of("ProducerTuning"), ProducerTuning.Settings.QUICK, out);
            // The broker measured runs as an installation's does (G1, full JIT), not as the quick-start test servers.
            List<String> brokerCommand = List.of(Files.readString(Path.of("/proc", Long.toString(cluster.master("broker-a").pid()),
                "cmdline")).split("\0"));
            assertThat(brokerCommand).contains("-XX:+UseG1GC").doesNotContain("-XX:TieredStopAtLevel=1");

            assertThat(r.comparisons()).extracting(ProducerTuning.Comparison::tuning).containsExactly("sync, 8 threads",
                "sync, 64 threads", "async, window 64", "async, window 512", "batch of 32, 1 thread", "batch of 8, 8 threads",
                "batch of 32, 8 threads", "batch of 128, 8 threads", "16 KB text, no compression", "5.x sendAsync, window 64");
            assertThat(r.comparisons()).allSatisfy(c -> {
                assertThat(c.baseline().messages()).as("%s: baseline sent", c.tuning()).isPositive();
                assertThat(c.tuned().messages()).as("%s: sent", c.tuning()).isPositive();
                assertThat(c.tuned().latencyMicros().getTotalCount()).isPositive();
                assertThat(c.ratio()).isPositive().isFinite();
            });
            assertThat(r.sizeSweep()).extracting(LoadRun.Figures::messageSize).containsExactly(128, 1024, 4096, 16384, 65536);
            // A batch call acknowledges its 32 messages at once.
            LoadRun.Figures batch = r.comparisons().get(4).tuned();
            assertThat(batch.messages() % ProducerTuning.BATCH).isZero();
            assertThat(batch.latencyMicros().getTotalCount() * ProducerTuning.BATCH).isEqualTo(batch.messages() + batch.failed());

            // RocketMQ's benchmark tool ran against the same broker and reported; the ratio is the lab's best over it.
            assertThat(r.official()).isNotEmpty().allSatisfy(o -> assertThat(o.tps()).isPositive());
            assertThat(r.bestVsOfficial()).isEqualTo(r.best().perSecond() / r.officialTps());
            assertThat(r.best().messageSize()).isEqualTo(ProducerTuning.MESSAGE_SIZE);

            // Every acknowledged message is stored; a failed (timed-out) send may be stored too, nothing else is.
            assertThat(r.stored()).isBetween(r.acknowledged(), r.acknowledged() + r.failed());

            // A CSV row per run, and four readable charts.
            List<String> csv = Files.readAllLines(out.resolve("producer-tuning.csv"));
            assertThat(csv.get(0)).isEqualTo(LoadRun.Figures.CSV_HEADER);
            assertThat(csv).hasSize(1 + 2 + 2 * r.comparisons().size() + r.sizeSweep().size());
            assertThat(r.files()).filteredOn(f -> f.toString().endsWith(".png")).hasSize(4).allSatisfy(png -> {
                BufferedImage image = ImageIO.read(png.toFile());
                assertThat(image).as("%s is a PNG", png).isNotNull();
                assertThat(image.getWidth()).isEqualTo(900);
            });
        }
    }

    @Test
    void everyGroupConsumesTheWholeBacklogAndAPullBringsAtMost32Messages(@TempDir Path out) throws Exception {
        int backlog = 1_000;
        {
            ConsumerTuning.Result r = ConsumerTuning.run(cluster, UniqueNames.of("ConsumerTuning"), backlog, out);

            assertThat(r.comparisons()).hasSize(5).allSatisfy(c -> {
                assertThat(c.baseline().messages()).as("%s: baseline consumed", c.tuning()).isEqualTo(backlog);
                assertThat(c.tuned().messages()).as("%s: consumed", c.tuning()).isEqualTo(backlog);
                assertThat(c.ratio()).isPositive().isFinite();
            });
            assertThat(r.largestBatch()).as("maxTransferCountOnMessageInMemory caps a pull").isEqualTo(32);
            assertThat(r.outOfOrder()).isZero();
            assertThat(Files.readAllLines(out.resolve("consumer-tuning.csv"))).hasSize(1 + 2 * 5);
            assertThat(ImageIO.read(out.resolve("consumer-tuning-ratios.png").toFile())).isNotNull();
        }
    }

    @Test
    void tlsIsOnTheWireAndEveryNetworkSettingIsMeasured(@TempDir Path out) throws Exception {
        NetworkTuning.Result r = NetworkTuning.run(cluster, UniqueNames.of("NetworkTuning"), java.time.Duration.ofMillis(300), out);

        // A TLS client opens with a TLS handshake record; a plaintext one with a RocketMQ frame (its length: no 0x16).
        assertThat(r.tlsFirstBytes()[0]).isEqualTo((byte) 0x16);
        assertThat(r.tlsFirstBytes()[1]).isEqualTo((byte) 0x03);
        assertThat(r.plainFirstBytes()[0]).isNotEqualTo((byte) 0x16);
        assertThat(r.comparisons()).extracting(NetworkTuning.Comparison::tuning).containsExactly("TLS, 8 sync threads",
            "TLS, async window 256", "1 callback thread, async window 256");
        assertThat(r.comparisons()).allSatisfy(c -> {
            assertThat(c.baseline().messages()).isPositive();
            assertThat(c.tuned().messages()).isPositive();
        });
        assertThat(r.compressedBytes()).isPositive().isLessThan(r.textBytes() / 10);
        assertThat(r.stored()).isBetween(r.acknowledged() + r.connectSends(), r.acknowledged() + r.connectSends() + r.failed());
        assertThat(ImageIO.read(out.resolve("network-tuning-ratios.png").toFile())).isNotNull();
    }
}
