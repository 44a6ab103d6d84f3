package learn.rocketmq.production.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.AlertWebhook;
import learn.rocketmq.stack.Alertmanager;
import learn.rocketmq.stack.Prometheus;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The monitoring lessons on one cluster, one Prometheus and one Alertmanager (they disturb nothing of each other's). */
class MonitoringTest {

    static AlertWebhook webhook;
    static RocketMQCluster cluster;
    static Alertmanager alertmanager;
    static Prometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        webhook = AlertWebhook.start();
        cluster = Metrics.topology().start();
        alertmanager = Alertmanager.notifying(webhook.url());
        prometheus = Prometheus.start(List.of(cluster.master("broker-a").metricsAddress()), Alerting.rulesForLesson(),
            alertmanager.address());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, alertmanager, cluster, webhook}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the others still close
            }
        }
    }

    @Test
    void metricsPrometheusCountsEveryMessageAndShowsTheLagOfAStuckConsumer() throws Exception {
        Metrics.Result r = Metrics.run(cluster, prometheus, UniqueNames.of("Metrics"), UniqueNames.of("metrics-group"), 100, 40);

        assertThat(r.messagesIn()).isEqualTo(100);
        // Lag = the broker's newest offsets minus the group's committed ones: exactly the 40 the
        // stuck consumer has not finished, fetched (in flight) or not.
        assertThat(r.lagWhileStuck()).isEqualTo(40);
        assertThat(r.inflightWhileStuck() + r.readyWhileStuck()).isEqualTo(40);
        assertThat(r.lagAfter()).isZero();
        assertThat(r.sendP99Millis()).isPositive();
        // The names the exporter really serves (units appended, counters ending in _total).
        assertThat(r.metricNames()).contains("rocketmq_messages_in_total", "rocketmq_consumer_lag_messages",
            "rocketmq_consumer_inflight_messages", "rocketmq_consumer_ready_messages",
            "rocketmq_rpc_latency_milliseconds_bucket", "rocketmq_producer_connections");
    }

    @Test
    void lagBlindSpotAStuckNewGroupShowsNoLagUntilItsOffsetsAreCommitted() throws Exception {
        LagBlindSpot.Result r = LagBlindSpot.run(cluster, prometheus, UniqueNames.of("LagBlindSpot"), UniqueNames.of("blind-group"), 40);

        assertThat(r.heldByConsumer()).isEqualTo(40); // the consumer has them, stuck
        assertThat(r.metricLagBefore()).isZero();     // the broker's lag metric does not count them,
        assertThat(r.progressBefore()).isZero();      // nor does consumer progress,
        assertThat(r.metricLagAfter()).isEqualTo(40); // until the group's offsets exist
        assertThat(r.progressAfter()).isEqualTo(40);
    }

    @Test
    void alertingTheRulesPassTheirOfflineTestsAndTheLagAlertFiresAndResolvesThroughAlertmanager() throws Exception {
        assertThat(Alerting.testRulesOffline()).contains("SUCCESS");

        Alerting.Result r = Alerting.run(cluster, prometheus, webhook, UniqueNames.of("Alerting"), UniqueNames.of("alerting-group"), 1200);

        assertThat(r.notifications()).anyMatch(n -> n.startsWith("firing RocketMQConsumerLag: "))
            .anyMatch(n -> n.startsWith("resolved RocketMQConsumerLag: "));
        // Fired after the rule's 5 s "for" (the lag must hold that long), not at once.
        assertThat(r.firingAfterMillis()).isGreaterThan(5_000);
    }
}
