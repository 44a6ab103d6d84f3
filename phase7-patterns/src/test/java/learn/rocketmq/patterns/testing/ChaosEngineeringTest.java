package learn.rocketmq.patterns.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosEngineeringTest {

    @Test
    void underKillsPausesAndRestartsOfEveryServerNoAcknowledgedMessageIsLost(@TempDir Path dir) throws Exception {
        try (RocketMQCluster cluster = ChaosEngineering.durableCluster().start()) {
            ChaosChecker.Report r = ChaosEngineering.run(cluster, UniqueNames.of("Chaos"), dir.resolve("history.log"),
                Duration.ofSeconds(2));
            System.out.println("Chaos run: " + r);

            // Every fault of the schedule ran and was healed, and they bit: some sends failed.
            assertThat(r.faults()).hasSize(10).first().asString().isEqualTo("FAULT SIGKILL broker-a");
            assertThat(r.acknowledged()).isGreaterThan(500);
            assertThat(r.failed()).isPositive();
            // The durable configuration's promise: nothing acknowledged is lost.
            assertThat(r.lost()).isEmpty();
            // Nothing arrives that was not sent, and what arrived is what was acknowledged plus some failed sends.
            assertThat(r.unexpected()).isZero();
            assertThat(r.received()).isEqualTo(r.acknowledged() + r.storedThoughFailed());
            assertThat(r.enqueued()).isEqualTo(r.acknowledged() + r.failed());
        }
    }
}
