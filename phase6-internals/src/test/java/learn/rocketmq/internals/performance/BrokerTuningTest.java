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
 * The broker lab in quick mode: each broker runs with the setting the lesson says (as the broker
 * itself reports it), every broker is measured at every concurrency, the disk's fsync rate is
 * measured, and every acknowledged message is stored on its broker. No figure is asserted.
 */
class BrokerTuningTest {

    @Test
    void everyBrokerIsMeasuredAtEveryConcurrencyAndStoresWhatItAcknowledged(@TempDir Path out) throws Exception {
        try (RocketMQCluster cluster = BrokerTuning.topology().start()) {
            BrokerTuning.Result r = BrokerTuning.run(cluster, UniqueNames.of("BrokerTuning"), Duration.ofMillis(300), out);

            // Each broker runs with its setting, as it reports it itself; the default one with RocketMQ's defaults here.
            BrokerTuning.BROKERS.forEach((broker, settings) -> assertThat(r.reported().get(broker)).containsAllEntriesOf(settings));
            assertThat(r.reported().get("broker-default")).containsEntry("flushDiskType", "ASYNC_FLUSH")
                .containsEntry("sendMessageThreadPoolNums", Integer.toString(Math.min(Runtime.getRuntime().availableProcessors(), 4)))
                .containsEntry("useReentrantLockWhenPutMessage", "true").containsEntry("serverWorkerThreads", "8");
            assertThat(r.fsyncsPerSecond()).isPositive().isFinite();
            assertThat(r.runs().keySet()).containsExactlyElementsOf(BrokerTuning.BROKERS.keySet());
            r.runs().forEach((broker, byThreads) -> {
                assertThat(byThreads.keySet()).containsExactlyElementsOf(BrokerTuning.CONCURRENCY);
                byThreads.values().forEach(f -> assertThat(f.messages()).as("%s sent", f.name()).isPositive());
                assertThat(r.stored().get(broker)).as("%s stores what it acknowledged", broker)
                    .isBetween(r.acknowledged().get(broker), r.acknowledged().get(broker) + r.failed().get(broker));
            });
            // Every tuned broker beside a run of the default broker just before it, at every concurrency.
            assertThat(r.baselines()).hasSize((BrokerTuning.BROKERS.size() - 1) * BrokerTuning.CONCURRENCY.size());
            assertThat(Files.readAllLines(out.resolve("broker-tuning.csv"))).hasSize(1 + 2 * r.baselines().size());
            assertThat(ImageIO.read(out.resolve("broker-tuning-ratios.png").toFile())).isNotNull();
        }
    }
}
