package learn.rocketmq.production.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
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
 * Automatic failover in controller mode: a master and its slave, a controller, a CLUSTER-mode
 * proxy; the master killed with SIGKILL while a 5.x producer keeps sending.
 * Roadmap: 5.2 Cluster Setup: High availability configuration.
 *
 * <p>In controller mode ({@code enableControllerMode=true}, RocketMQ 5.x) a controller (one, or
 * three for a Raft quorum) decides each group's master. Brokers heartbeat it; when the master is
 * gone it promotes a broker of the group's sync state set (the replicas that had caught up), so no
 * acknowledged message is lost as long as a send waited for that set ({@code allAckInSyncStateSet=true};
 * the default false acknowledges once enough replicas, {@code inSyncReplicas}=1, have it). Before
 * 5.x, DLedger mode did this with a Raft group of three brokers. The promotion itself is quick: a
 * killed broker's connections close, the controller sees its channel go and elects at once (it
 * falls back on missed heartbeats, 10 s, when a machine vanishes without closing them). A 5.x
 * client's sends go through the proxy, though, and the proxy refreshes its cached routes every
 * {@code topicRouteServiceCacheRefreshSeconds} (20 s): until then they meet the dead master's
 * queues and fail. This lesson measures both.
 * Run it: {@code ./lesson ControllerFailover} (five server processes, RocketMQ's default timing).
 */
public class ControllerFailover {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonControllerFailover", 30);
            System.out.printf("Done: the slave routed as master %d ms after the kill, the first SEND_OK %d ms after it, %d sends"
                + " failed meanwhile; %d acknowledged, %d lost; the old master rejoined as a slave: %b.%n", r.promotedAfterKillMillis(),
                r.firstOkAfterKillMillis(), r.failedSends(), r.acknowledged().size(), r.lost().size(), r.oldMasterIsSlave());
        }
    }

    /** One controller, a group of two brokers, a proxy; a send waits for every replica in the sync state set. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().controllers(1).brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC)
            .set("allAckInSyncStateSet", "true").proxy();
    }

    public record Result(long promotedAfterKillMillis, long firstOkAfterKillMillis, int failedSends, Set<String> acknowledged,
                         Set<String> lost, boolean slavePromoted, boolean oldMasterIsSlave) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int perStep) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer first = cluster.brokers("broker-a").get(0);
        RocketMQServer second = cluster.brokers("broker-a").get(1);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            Wait.until(Duration.ofSeconds(30), "both brokers to register", () -> admin.brokerIds("broker-a").size() == 2);
            // On both brokers: the one that becomes master must have the topic.
            admin.createTopicOn(List.copyOf(admin.brokerIds("broker-a").values()), topic, TopicMessageType.NORMAL, 4);
            System.out.printf("1. broker-a: master %s, slave %s%n", admin.brokerIds("broker-a").get(MixAll.MASTER_ID), second.address());
            // Only a replica in the sync state set can be elected (enableElectUncleanMaster=false):
            // a slave joins it once it has caught up and reported so, seconds after it connects.
            // Killed before that, the master has no successor at all. (A cluster the stack starts
            // waits for this already; check it on any other before taking a master down.)
            String controller = cluster.controllers().get(0).address();
            boolean inSync = Wait.until(Duration.ofSeconds(30), "the slave to join the sync state set",
                () -> admin.syncStateSet(controller, "broker-a").contains(second.address()));
            System.out.printf("   The controller's sync state set of broker-a: %s (the slave in it: %b)%n",
                admin.syncStateSet(controller, "broker-a"), inSync);

            ClientServiceProvider provider = ClientServiceProvider.loadService();
            Set<String> acknowledged = new LinkedHashSet<>();
            int failed = 0;
            long firstOk = -1;
            long promoted = -1;
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                .setTopics(topic).build()) {
                for (int i = 0; i < perStep; i++) {
                    acknowledged.add(send(provider, producer, topic, "before-" + i));
                }
                // 2. The master crashes: nothing is flushed, nobody is told.
                first.kill();
                long killedAt = System.nanoTime();
                System.out.printf("2. Killed the master %s (SIGKILL) after %d acknowledged sends%n", first.address(), perStep);
                // 3. Keep sending until as many again are acknowledged (at most 90 s).
                for (int i = 0; acknowledged.size() < 2 * perStep && System.nanoTime() - killedAt < Duration.ofSeconds(90).toNanos(); i++) {
                    if (promoted < 0 && second.address().equals(admin.brokerIds("broker-a").get(MixAll.MASTER_ID))) {
                        promoted = (System.nanoTime() - killedAt) / 1_000_000;
                        System.out.printf("   The NameServer routes %s as the master %d ms after the kill%n", second.address(), promoted);
                    }
                    try {
                        acknowledged.add(send(provider, producer, topic, "after-" + i));
                        if (firstOk < 0) {
                            firstOk = (System.nanoTime() - killedAt) / 1_000_000;
                            System.out.printf("3. First SEND_OK %d ms after the kill (%d sends failed before)%n", firstOk, failed);
                        }
                    } catch (Exception e) {
                        failed++; // not acknowledged, so not lost if it is not there
                        Thread.sleep(50); // a producer meeting errors backs off instead of spinning
                    }
                }
            }
            boolean isMaster = second.address().equals(admin.brokerIds("broker-a").get(MixAll.MASTER_ID));
            System.out.printf("4. The controller made %s the master: %b%n", second.address(), isMaster);

            // 5. Every acknowledged message on the new master?
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(ConsumerProgress.readKeys(rocketmq, topic, acknowledged.size(), Duration.ofSeconds(60)));
            System.out.printf("5. %d acknowledged, %d lost%n", acknowledged.size(), lost.size());

            // 6. The old master comes back on its store, and the controller makes it a slave.
            first.restart();
            boolean rejoined = Wait.until(Duration.ofSeconds(30), "the old master to rejoin", () ->
                admin.brokerIds("broker-a").entrySet().stream().anyMatch(e -> e.getKey() != MixAll.MASTER_ID && e.getValue().equals(first.address())));
            System.out.printf("6. Restarted %s: it rejoined broker-a as a slave: %b%n", first.address(), rejoined);
            return new Result(promoted, firstOk, failed, acknowledged, lost, isMaster, rejoined);
        }
    }

    private static String send(ClientServiceProvider provider, Producer producer, String topic, String key) throws Exception {
        producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key).setBody(key.getBytes(StandardCharsets.UTF_8)).build());
        return key;
    }
}
