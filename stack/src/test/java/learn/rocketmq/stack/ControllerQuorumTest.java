package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;

/**
 * Three controllers, a Raft (DLedger) quorum, each a process of its own: any one of them may die.
 * The leader controller is killed, the other two elect a new leader; then the master broker is
 * killed and the new leader promotes the slave, which has every acknowledged message (a send
 * waits for the whole sync state set). With two of the three gone there is no majority, and no
 * leader: what a quorum of three buys is surviving one loss, not two.
 */
class ControllerQuorumTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void twoOfThreeControllersElectALeaderThatPromotesTheSlaveWithEveryAcknowledgedMessage() throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.topology().controllers(3)
            .brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC).set("allAckInSyncStateSet", "true").start()) {
            System.out.printf("[quorum] NameServer, 3 controllers and 2 brokers started in %d ms%n", cluster.startMillis());
            List<RocketMQServer> controllers = new ArrayList<>(cluster.controllers());
            assertThat(controllers).hasSize(3).extracting(RocketMQServer::pid).doesNotHaveDuplicates();
            try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
                String topic = UniqueNames.of("ControllerQuorum");
                admin.createTopicOn(List.copyOf(admin.brokerIds("broker-a").values()), topic, TopicMessageType.NORMAL, 4);

                // 1. One leader, the same for all three.
                RocketMQServer leader = awaitLeader(admin, controllers, null);
                int acknowledged = send(cluster, topic, "before", 20);

                // 2. The leader controller crashes; the two others (a majority of three) elect one of them.
                leader.kill();
                controllers.remove(leader);
                long killed = System.nanoTime();
                RocketMQServer newLeader = awaitLeader(admin, controllers, leader.address());
                System.out.printf("[quorum] killed the leader %s; %s leads %d ms later%n", leader.name(), newLeader.name(),
                    (System.nanoTime() - killed) / 1_000_000);

                // 3. The master crashes; the new leader makes the slave the master.
                String master = admin.brokerIds("broker-a").get(MixAll.MASTER_ID);
                RocketMQServer masterServer = cluster.brokers("broker-a").stream().filter(b -> b.address().equals(master))
                    .findFirst().orElseThrow();
                String slave = cluster.brokers("broker-a").stream().map(RocketMQServer::address).filter(a -> !a.equals(master))
                    .findFirst().orElseThrow();
                masterServer.kill();
                killed = System.nanoTime();
                boolean promoted = Wait.until(BOUND, "the slave promoted by the new leader",
                    () -> slave.equals(admin.brokerIds("broker-a").get(MixAll.MASTER_ID)));
                assertThat(promoted).as("the slave %s is broker-a's master (route: %s)", slave, admin.brokerIds("broker-a")).isTrue();
                System.out.printf("[quorum] killed the master %s; the slave %s is the master %d ms later%n", masterServer.name(),
                    slave, (System.nanoTime() - killed) / 1_000_000);

                // 4. It takes writes, and has every message acknowledged before.
                acknowledged += send(cluster, topic, "after", 20);
                assertThat(acknowledged).isEqualTo(40);
                assertThat(admin.storedMessagesPerBroker(topic)).as("messages on the new master").containsEntry("broker-a", 40L);

                // 5. One of three left: no majority, no leader.
                newLeader.kill();
                controllers.remove(newLeader);
                boolean noLeader = Wait.until(BOUND, "the last controller to have no leader",
                    () -> leaderOf(admin, controllers.get(0)) == null);
                assertThat(noLeader).as("one controller of three elects no leader (it reports %s)",
                    leaderOf(admin, controllers.get(0))).isTrue();
            }
        }
    }

    /** Waits until every given controller names the same leader, one of them and not {@code notThis}. */
    private static RocketMQServer awaitLeader(RocketMQAdmin admin, List<RocketMQServer> controllers, String notThis) throws Exception {
        Set<String> seen = new HashSet<>();
        boolean agreed = Wait.until(BOUND, "the controllers to agree on a leader", () -> {
            seen.clear();
            for (RocketMQServer controller : controllers) {
                seen.add(String.valueOf(leaderOf(admin, controller)));
            }
            return seen.size() == 1 && controllers.stream().anyMatch(c -> seen.contains(c.address()) && !c.address().equals(notThis));
        });
        assertThat(agreed).as("%s agree on a leader among them (they name: %s)", controllers, seen).isTrue();
        return controllers.stream().filter(c -> seen.contains(c.address())).findFirst().orElseThrow();
    }

    /** The leader a controller names, or null when it knows none (or does not answer). */
    private static String leaderOf(RocketMQAdmin admin, RocketMQServer controller) {
        try {
            String address = admin.api().getControllerMetaData(controller.address()).getControllerLeaderAddress();
            return address == null || address.isBlank() ? null : address;
        } catch (Exception e) {
            return null;
        }
    }

    /** Sends {@code count} messages with a new producer (a fresh route); returns how many were SEND_OK. */
    private static int send(RocketMQCluster cluster, String topic, String prefix, int count) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("quorum-" + prefix));
        producer.setNamesrvAddr(cluster.rocketMQ().nameServer());
        producer.setInstanceName(UniqueNames.of("quorum-" + prefix));
        producer.start();
        try {
            int ok = 0;
            for (int i = 0; i < count; i++) {
                Message message = new Message(topic, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
                ok += producer.send(message).getSendStatus() == SendStatus.SEND_OK ? 1 : 0;
            }
            return ok;
        } finally {
            producer.shutdown();
        }
    }
}
