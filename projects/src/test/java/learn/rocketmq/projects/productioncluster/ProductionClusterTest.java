package learn.rocketmq.projects.productioncluster;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class ProductionClusterTest {

    @Test
    void aKilledMasterFailsOverLosesNothingAndItsAlertFiresAndResolves() throws Exception {
        try (RocketMQCluster cluster = ProductionCluster.topology().start();
             ProductionCluster.Monitoring monitoring = ProductionCluster.Monitoring.start(cluster)) {
            ProductionCluster.Result r = ProductionCluster.drill(cluster, monitoring, UniqueNames.of("ProductionCluster"));

            // The dashboard showed all four brokers up and the drill's traffic.
            assertThat(r.panels().get("brokers up (1 = scraped)")).hasSize(4).allSatisfy((series, up) -> assertThat(up).isEqualTo(1.0));
            assertThat(r.panels().get("messages in per second, by topic")).anySatisfy((series, rate) -> {
                assertThat(series).contains("ProductionCluster");
                assertThat(rate).isPositive();
            });
            // The controller promoted broker-a's slave; with every send waiting for both replicas,
            // no acknowledged message was lost.
            assertThat(r.failoverMillis()).isBetween(0L, 60_000L);
            assertThat(r.failingForMillis()).isLessThan(60_000L);
            assertThat(r.acknowledged()).isGreaterThan(100);
            assertThat(r.lost()).isZero();
            // Monitoring named the dead broker, and gave the all-clear once it was back, as a slave.
            assertThat(r.alertInstance()).isEqualTo(r.killedMetrics());
            assertThat(r.alertFiredMillis()).isPositive();
            assertThat(r.oldMasterIsSlave()).isTrue();
            assertThat(r.alertResolvedMillis()).isPositive();
        }
    }
}
