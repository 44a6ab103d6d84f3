package learn.rocketmq.projects.productioncluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.AlertWebhook;
import learn.rocketmq.stack.Alertmanager;
import learn.rocketmq.stack.Prometheus;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Hands-on project: a production-like RocketMQ cluster and its monitoring, started by one
 * command, and the drill a team runs before it trusts them: a master killed under load.
 * Roadmap: Phase 5 hands-on: Deploy a production-like cluster; Phase 5 hands-on: Set up monitoring and alerting.
 *
 * <p>Each a process of its own: two NameServers (brokers register with both; clients list both),
 * a controller, two broker groups of two brokers in controller mode (the controller picks each
 * group's master and promotes the other when the master dies; a send waits for both,
 * {@code allAckInSyncStateSet=true}), a CLUSTER-mode proxy for 5.x clients, and on every broker
 * its Prometheus exporter. A real Prometheus scrapes the brokers every 5 s and evaluates the
 * project's alert rules ({@code config/prometheus/rocketmq-alerts.yml}, their {@code for:}
 * shortened to 10 s); a real Alertmanager sends what fires to a webhook this program serves.
 * The dashboard is a handful of PromQL queries ({@link #DASHBOARD}), the ones a Grafana board
 * would chart. The runbook, and what changes on Kubernetes: {@code docs/production-cluster.md}.
 *
 * <p>Run it: {@code ./lesson ProductionCluster} (Prometheus and Alertmanager installed: it says how
 * if not). It runs the drill, then keeps everything up until Enter, with the URLs to look at.
 */
public class ProductionCluster {

    /**
     * Prometheus scrapes and evaluates every 5 s (production: 15 to 60 s); a scrape slower than
     * that counts as a broker down. A scrape is not free: a 5.5.0 broker walks its whole timer
     * wheel for {@code rocketmq_timer_dequeue_lag} (1,209,600 slots) and up to a day of slots for
     * {@code rocketmq_timer_message_snapshot}, 230 to 300 ms of CPU here (45 ms without the timer).
     * Every 2 s, four brokers took a quarter of this 2-core machine, and with another cluster
     * beside it every scrape took longer than 2 s for a minute: Prometheus saw every broker down.
     */
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

    /** The dashboard: what each panel shows, and its query. */
    public static final Map<String, String> DASHBOARD = dashboard();

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology());
             Monitoring monitoring = Monitoring.start(cluster)) {
            Result r = drill(cluster, monitoring, "LessonProductionCluster");
            System.out.printf("Done: the controller promoted broker-a's slave %d ms after the kill, sends failed for %d ms;"
                + " %d acknowledged, %d lost; the BrokerDown alert reached the webhook %d ms after the kill and resolved %d ms"
                + " after the restart.%n", r.failoverMillis(), r.failingForMillis(), r.acknowledged(), r.lost(), r.alertFiredMillis(),
                r.alertResolvedMillis());
            System.out.printf("Still up: Prometheus http://%s, Alertmanager http://%s, NameServers %s. Press Enter to stop it all.%n",
                monitoring.prometheus().address(), monitoring.alertmanager().address(), cluster.nameServerAddresses());
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }

    /** Two NameServers, a controller, broker-a and broker-b of two brokers each, a proxy; every broker exports metrics. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().nameServers(2).controllers(1)
            .brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC)
            .brokerGroup("broker-b", 1, RocketMQCluster.Replication.SYNC)
            .set("allAckInSyncStateSet", "true").proxy().metrics();
    }

    /** Prometheus scraping every broker with the project's rules, Alertmanager, and the webhook they notify. */
    public record Monitoring(Prometheus prometheus, Alertmanager alertmanager, AlertWebhook webhook) implements AutoCloseable {

        public static Monitoring start(RocketMQCluster cluster) throws Exception {
            List<String> targets = new ArrayList<>();
            for (String group : List.of("broker-a", "broker-b")) {
                cluster.brokers(group).forEach(b -> targets.add(b.metricsAddress()));
            }
            Path rules = Files.createTempFile("rocketmq-alerts-", ".yml");
            rules.toFile().deleteOnExit();
            Files.writeString(rules, Files.readString(Prometheus.alertRules()).replaceAll("for: \\d+m", "for: 10s"));
            AlertWebhook webhook = AlertWebhook.start();
            Alertmanager alertmanager = null;
            try {
                alertmanager = Alertmanager.notifying(webhook.url());
                return new Monitoring(Prometheus.start(targets, rules, alertmanager.address(), SCRAPE_INTERVAL), alertmanager, webhook);
            } catch (RuntimeException e) {
                if (alertmanager != null) {
                    alertmanager.close();
                }
                webhook.close();
                throw e;
            }
        }

        @Override
        public void close() {
            prometheus.close();
            alertmanager.close();
            webhook.close();
        }
    }

    /**
     * @param panels            the dashboard's panels (name to series to value) while traffic flowed
     * @param failoverMillis    from the kill to the controller electing broker-a's slave its master (it sees the
     *                          killed broker's connection close: at once)
     * @param failingForMillis  from the kill to the last send that failed (clients learn the new master later)
     * @param alertFiredMillis  from the kill to the webhook's "firing RocketMQBrokerDown"
     * @param alertInstance     the target that alert named
     * @param alertResolvedMillis from the old master's restart to the webhook's "resolved"
     */
    public record Result(Map<String, Map<String, Double>> panels, String killed, String killedMetrics, long failoverMillis,
                         int acknowledged, int failedSends, long failingForMillis, int lost, long alertFiredMillis, String alertInstance,
                         long alertResolvedMillis, boolean oldMasterIsSlave) {
    }

    public static Result drill(RocketMQCluster cluster, Monitoring monitoring, String topic) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        Prometheus prometheus = monitoring.prometheus();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // 1. What runs, and who is master (the controller decided: ask the NameServers).
            for (RocketMQServer server : cluster.servers()) {
                System.out.printf("1. %-11s %-10s %s (pid %d)%n", server.name(), server.role(), server.address(), server.pid());
            }
            RocketMQServer master = masterOf(cluster, admin, "broker-a");
            System.out.printf("   broker-a's master: %s; broker-b's: %s%n", master.name(), masterOf(cluster, admin, "broker-b").name());
            int brokers = cluster.brokers("broker-a").size() + cluster.brokers("broker-b").size();
            if (!Wait.until(Duration.ofSeconds(30), "Prometheus to scrape every broker",
                () -> prometheus.query("up").size() == brokers && prometheus.targetsUp())) {
                throw new IllegalStateException("Prometheus did not scrape every broker within 30 s: " + prometheus.targets()
                    + ". A scrape slower than " + SCRAPE_INTERVAL.toSeconds() + " s fails: is the machine overloaded?");
            }
            System.out.println("2. Prometheus http://" + prometheus.address() + " scrapes every broker: " + prometheus.targets());

            // 3. Traffic: a 5.x producer (through the proxy) sending steadily, in the background.
            List<String> everyBroker = new ArrayList<>();
            List.of("broker-a", "broker-b").forEach(g -> cluster.brokers(g).forEach(b -> everyBroker.add(b.address())));
            admin.createTopicOn(everyBroker, topic, TopicMessageType.NORMAL, 4); // each may become master
            Traffic traffic = Traffic.start(rocketmq, topic);
            try {
                Wait.until(Duration.ofSeconds(30), "traffic on the dashboard", () -> traffic.acknowledged.size() >= 100
                    && prometheus.value("sum(rate(rocketmq_messages_in_total{topic=\"" + topic + "\"}[20s]))") > 0);
                Map<String, Map<String, Double>> panels = new LinkedHashMap<>();
                DASHBOARD.forEach((panel, query) -> panels.put(panel, prometheus.query(query)));
                panels.forEach((panel, series) -> System.out.printf("3. %-32s %s%n", panel, series));

                // 4. The drill: broker-a's master dies (SIGKILL). Clients go on; the controller promotes its slave.
                master.kill();
                long killedAt = System.currentTimeMillis();
                System.out.printf("4. Killed broker-a's master %s (SIGKILL)%n", master.name());
                String controller = cluster.controllers().get(0).address();
                Wait.until(Duration.ofSeconds(60), "the controller to promote broker-a's slave", () -> {
                    String elected = electedMaster(admin, controller, "broker-a");
                    return elected != null && !elected.isEmpty() && !elected.equals(master.address());
                });
                long failover = System.currentTimeMillis() - killedAt;
                System.out.printf("   The controller made %s broker-a's master %d ms after the kill%n",
                    electedMaster(admin, controller, "broker-a"), failover);

                // 5. Monitoring saw it: the BrokerDown alert goes pending, fires, and reaches the webhook.
                Wait.until(Duration.ofSeconds(60), "the BrokerDown alert at the webhook",
                    () -> monitoring.webhook().first("firing", "RocketMQBrokerDown") != null);
                AlertWebhook.Notification fired = monitoring.webhook().first("firing", "RocketMQBrokerDown");
                long firedMillis = fired == null ? -1 : fired.receivedAt() - killedAt;
                System.out.printf("5. The webhook got \"%s\" %d ms after the kill (its for: 10 s)%n", fired, firedMillis);

                // 6. The old master back on its store: it rejoins as a slave, and the alert resolves.
                long restartedAt = System.currentTimeMillis();
                master.restart();
                boolean slave = Wait.until(Duration.ofSeconds(60), "the old master to rejoin as a slave", () ->
                    admin.brokerIds("broker-a").entrySet().stream().anyMatch(e -> e.getKey() != MixAll.MASTER_ID
                        && e.getValue().equals(master.address())));
                Wait.until(Duration.ofSeconds(60), "the resolved notification",
                    () -> monitoring.webhook().first("resolved", "RocketMQBrokerDown") != null);
                AlertWebhook.Notification resolved = monitoring.webhook().first("resolved", "RocketMQBrokerDown");
                long resolvedMillis = resolved == null ? -1 : resolved.receivedAt() - restartedAt;
                System.out.printf("6. Restarted %s: a slave of broker-a now: %b; \"resolved\" %d ms after the restart%n",
                    master.name(), slave, resolvedMillis);
                traffic.stop();
                long failingFor = traffic.lastFailedAt > killedAt ? traffic.lastFailedAt - killedAt : 0;

                // 7. Nothing acknowledged is lost: every key read back by a new group.
                Set<String> lost = ConcurrentHashMap.newKeySet();
                lost.addAll(traffic.acknowledged);
                lost.removeAll(ConsumerProgress.readKeys(rocketmq, topic, traffic.acknowledged.size(), Duration.ofSeconds(60)));
                System.out.printf("7. %d acknowledged, %d lost; %d sends failed (not acknowledged), the last %d ms after the kill%n",
                    traffic.acknowledged.size(), lost.size(), traffic.failed.get(), failingFor);
                System.out.printf("   The slowest scrape of a broker during the drill: %.3f s (the timeout: %d s)%n",
                    prometheus.value("max(max_over_time(scrape_duration_seconds[10m]))"), SCRAPE_INTERVAL.toSeconds());
                return new Result(panels, master.name(), master.metricsAddress(), failover, traffic.acknowledged.size(),
                    traffic.failed.get(), failingFor, lost.size(), firedMillis, fired == null ? null : fired.instance(), resolvedMillis, slave);
            } finally {
                traffic.stop();
            }
        }
    }

    /** A producer sending one message every 10 ms until stopped: the keys acknowledged, the sends that failed. */
    static final class Traffic {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicInteger failed = new AtomicInteger();
        volatile long lastFailedAt;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        static Traffic start(RocketMQ rocketmq, String topic) throws Exception {
            Traffic traffic = new Traffic();
            ClientServiceProvider provider = ClientServiceProvider.loadService();
            Producer producer = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                .setTopics(topic).build();
            traffic.thread = new Thread(() -> {
                try (producer) {
                    for (int i = 0; traffic.running.get(); i++) {
                        String key = "m-" + i;
                        try {
                            producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key)
                                .setBody(key.getBytes(StandardCharsets.UTF_8)).build());
                            traffic.acknowledged.add(key);
                        } catch (Exception e) {
                            traffic.failed.incrementAndGet();
                            traffic.lastFailedAt = System.currentTimeMillis();
                        }
                        Thread.sleep(10);
                    }
                } catch (Exception ended) {
                    // stopped
                }
            }, "traffic");
            traffic.thread.start();
            return traffic;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    private static Map<String, String> dashboard() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("brokers up (1 = scraped)", "up{job=\"rocketmq\"}");
        d.put("messages in per second, by topic", "sum by (topic) (rate(rocketmq_messages_in_total{topic!~\"rmq_sys.*|%.*|SCHEDULE.*|TBW.*\"}[20s])) > 0");
        d.put("send latency p99 (ms), by broker",
            "histogram_quantile(0.99, sum by (le, node_id) (rate(rocketmq_rpc_latency_milliseconds_bucket{request_code=~\"send_.*\"}[20s])))");
        d.put("consumer lag (messages), by group", "sum by (consumer_group) (rocketmq_consumer_lag_messages{is_system=\"false\"})");
        // Not the store's size: the used bytes of the file system the store is on (total - free).
        d.put("store's disk used (bytes), by broker", "sum by (node_id) (rocketmq_storage_size_bytes)");
        return java.util.Collections.unmodifiableMap(d);
    }

    /** The address the controller has elected {@code group}'s master (null or empty while there is none). */
    private static String electedMaster(RocketMQAdmin admin, String controller, String group) throws Exception {
        var info = admin.api().getInSyncStateData(controller, List.of(group)).getReplicasInfoTable().get(group);
        return info == null ? null : info.getMasterAddress();
    }

    /** The server that is {@code group}'s master now, as the NameServers route it (null while there is none). */
    private static RocketMQServer masterOf(RocketMQCluster cluster, RocketMQAdmin admin, String group) throws Exception {
        String address = admin.brokerIds(group).get(MixAll.MASTER_ID);
        return cluster.brokers(group).stream().filter(b -> b.address().equals(address)).findFirst().orElse(null);
    }
}
