package learn.rocketmq.production.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Controller mode's floor under replication: {@code minInSyncReplicas}, and the writes a master
 * refuses with {@code IN_SYNC_REPLICAS_NOT_ENOUGH}.
 * Roadmap: 5.1 Broker Configuration: Replication configuration.
 *
 * <p>In controller mode a master keeps a sync state set: itself and the slaves that have caught
 * up. With {@code allAckInSyncStateSet=true} a send waits for all of them, so an acknowledged
 * message is on every broker of the set. But a slave that dies is dropped from the set (the master
 * checks every {@code checkSyncStateSetPeriod}, 5 s), and from then on the master acknowledges on
 * its own: those messages are on one machine only. {@code minInSyncReplicas} (1 by default, the
 * master itself) is the floor: with fewer replicas in sync the master refuses every write before
 * storing it, and the producer gets {@code CODE: 1 ... in-sync replicas not enough}. Durability
 * bought with availability, per broker, and changeable while it runs ({@code mqadmin
 * updateBrokerConfig -k minInSyncReplicas -v 2}). Run it: {@code ./lesson MinInSyncReplicas}
 * (a NameServer, a controller, a master and its slave, a proxy).
 */
public class MinInSyncReplicas {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonMinInSyncReplicas", 5);
            System.out.printf("Done: with the slave gone, %d sends acknowledged by the master alone at minInSyncReplicas=1;"
                + " at 2, %d of %d refused and %d stored; %d acknowledged again once the slave was back.%n",
                r.acknowledgedAlone(), r.refused(), r.attemptedAtTwo(), r.storedWhileRefused(), r.acknowledgedAfterRejoin());
        }
    }

    /** One controller, a group of two brokers (controller mode makes the master SYNC_MASTER), a proxy; sends wait for the whole set. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().controllers(1).brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC)
            .set("allAckInSyncStateSet", "true").proxy();
    }

    public record Result(int acknowledgedWithSlave, long shrinkMillis, int acknowledgedAlone, int attemptedAtTwo, int refused,
                         List<String> refusals, long storedWhileRefused, long rejoinMillis, int acknowledgedAfterRejoin) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int perStep) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        String controller = cluster.controllers().get(0).address();
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        DefaultMQProducer classic = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // Whichever broker the controller made master; the topic on both (the slave may become master).
            Map<Long, String> route = admin.brokerIds("broker-a");
            String master = route.get(MixAll.MASTER_ID);
            RocketMQServer slave = cluster.brokers("broker-a").stream().filter(b -> !b.address().equals(master)).findFirst().orElseThrow();
            admin.createTopicOn(List.copyOf(route.values()), topic, TopicMessageType.NORMAL, 4);
            Wait.until(Duration.ofSeconds(30), "the slave in the sync state set",
                () -> admin.syncStateSet(controller, "broker-a").equals(Set.of(master, slave.address())));
            classic.start();
            try (Producer grpc = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                .setTopics(topic).build()) {
                // 1. Both in the set: every send waits for the slave too.
                int withSlave = sendAll(classic, grpc, provider, topic, "in-sync", perStep, null);
                System.out.printf("1. Sync state set %s: %d of %d sends acknowledged by both brokers%n",
                    admin.syncStateSet(controller, "broker-a"), withSlave, 2 * perStep);

                // 2. The slave dies. Once the master has dropped it from the set, it acknowledges alone.
                slave.kill();
                long killed = System.nanoTime();
                Wait.until(Duration.ofSeconds(30), "the master to drop the slave from the set",
                    () -> admin.syncStateSet(controller, "broker-a").equals(Set.of(master)));
                long shrink = (System.nanoTime() - killed) / 1_000_000;
                int alone = sendAll(classic, grpc, provider, topic, "alone", perStep, null);
                System.out.printf("2. Killed the slave; %d ms later the set is %s. minInSyncReplicas=1: %d of %d sends"
                    + " acknowledged, on the master only%n", shrink, admin.syncStateSet(controller, "broker-a"), alone, 2 * perStep);

                // 3. The floor raised to 2 while the broker runs: it refuses writes, and stores none of them.
                setMinInSyncReplicas(admin, master, 2);
                long storedBefore = admin.storedMessages(topic);
                List<String> refusals = new ArrayList<>();
                int atTwo = sendAll(classic, grpc, provider, topic, "refused", perStep, refusals);
                long storedWhileRefused = admin.storedMessages(topic) - storedBefore;
                System.out.printf("3. minInSyncReplicas=2: %d of %d sends acknowledged, %d refused, %d stored. The producers were told:%n"
                    + "     %s%n     %s%n", atTwo, 2 * perStep, refusals.size(), storedWhileRefused,
                    refusals.stream().filter(m -> m.startsWith("classic")).findFirst().orElse("classic: nothing"),
                    refusals.stream().filter(m -> m.startsWith("5.x")).findFirst().orElse("5.x: nothing"));

                // 4. The slave back on its store: it catches up, rejoins the set, and writes are taken again.
                slave.restart();
                long restarted = System.nanoTime();
                Wait.until(Duration.ofSeconds(60), "the slave back in the sync state set",
                    () -> admin.syncStateSet(controller, "broker-a").equals(Set.of(master, slave.address())));
                long rejoin = (System.nanoTime() - restarted) / 1_000_000;
                int after = sendAll(classic, grpc, provider, topic, "rejoined", perStep, null);
                System.out.printf("4. Restarted the slave; in the set again %d ms later: %d of %d sends acknowledged%n",
                    rejoin, after, 2 * perStep);
                setMinInSyncReplicas(admin, master, 1); // as RocketMQ ships it
                return new Result(withSlave, shrink, alone, 2 * perStep, refusals.size(), refusals, storedWhileRefused, rejoin, after);
            }
        } finally {
            classic.shutdown();
        }
    }

    /** {@code count} sends with each client API; returns the acknowledged ones, and adds each refusal's message to {@code refusals}. */
    private static int sendAll(DefaultMQProducer classic, Producer grpc, ClientServiceProvider provider, String topic, String prefix,
                               int count, List<String> refusals) {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + i;
            try {
                ok += classic.send(new Message(topic, null, "classic-" + key, key.getBytes(StandardCharsets.UTF_8)))
                    .getSendStatus() == SendStatus.SEND_OK ? 1 : 0;
            } catch (Exception e) {
                refused(refusals, "classic", e);
            }
            try {
                grpc.send(provider.newMessageBuilder().setTopic(topic).setKeys("grpc-" + key)
                    .setBody(key.getBytes(StandardCharsets.UTF_8)).build());
                ok++;
            } catch (Exception e) {
                refused(refusals, "5.x", e);
            }
        }
        return ok;
    }

    private static void refused(List<String> refusals, String client, Exception e) {
        if (refusals == null) {
            throw new IllegalStateException(client + " send failed where the broker should take it: " + e.getMessage(), e);
        }
        Throwable cause = e; // the classic producer wraps the broker's answer: "Send [3] times, still failed"
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        refusals.add(client + ": " + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""));
    }

    private static void setMinInSyncReplicas(RocketMQAdmin admin, String master, int replicas) throws Exception {
        Properties p = new Properties();
        p.setProperty("minInSyncReplicas", Integer.toString(replicas));
        admin.api().updateBrokerConfig(master, p);
    }
}
