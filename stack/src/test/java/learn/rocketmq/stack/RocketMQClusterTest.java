package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cluster stack: servers in processes of their own, killed, stopped, paused and restarted on
 * their own store. One cluster for the class (two NameServers, two broker groups), each test on
 * its own topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RocketMQClusterTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RocketMQCluster.topology().nameServers(2).brokerGroup("broker-a").brokerGroup("broker-b").start();
        System.out.printf("[cluster] %d servers started in %d ms%n", cluster.servers().size(), cluster.startMillis());
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
            assertThat(cluster.servers()).allSatisfy(s -> assertThat(s.directory()).doesNotExist());
        }
    }

    @Test
    void everyServerIsAProcessOfItsOwn() throws Exception {
        assertThat(cluster.servers()).extracting(RocketMQServer::pid).doesNotHaveDuplicates()
            .doesNotContain(ProcessHandle.current().pid());
        assertThat(cluster.rocketMQ().nameServer()).contains(";");
        cluster.servers().forEach(server -> System.out.printf("[cluster] %s: RSS %d MB%n", server, server.residentMegabytes()));
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            assertThat(brokers(admin)).containsOnlyKeys("broker-a", "broker-b");
        }
    }

    @Test
    void aLessonPointedAtAClusterUsesItsAddressesAndSaysItCannotKillItsServers() {
        RocketMQCluster given = Stack.resolveCluster(new String[] {"--namesrv", cluster.nameServerAddresses()}, Map.of(),
            RocketMQCluster.topology().brokerGroup("broker-a"));
        assertThat(given.isExternal()).isTrue();
        assertThat(given.rocketMQ().nameServer()).isEqualTo(cluster.nameServerAddresses());
        assertThat(given.servers()).isEmpty();
        assertThatThrownBy(() -> given.master("broker-a")).isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("run the lesson without --namesrv/--proxy")
            // What the learner reads: that line, not "Cannot reach RocketMQ" (the cluster is there).
            .satisfies(e -> assertThat(Hints.explain(e)).startsWith("UnsupportedOperationException: this step kills")
                .doesNotContain("Cannot reach").doesNotContain("\n"));
        given.close(); // nothing of its own to end
        assertThat(cluster.master("broker-a").isAlive()).isTrue();
    }

    @Test
    void aBrokerKilledAndRestartedOnItsStoreKeepsEveryAcknowledgedMessage() throws Exception {
        RocketMQServer broker = cluster.master("broker-a");
        String topic = UniqueNames.of("ClusterRestart");
        int count = 200;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            DefaultMQProducer producer = producer("cluster-restart");
            int acknowledged = 0;
            try {
                for (int i = 0; i < count; i++) {
                    SendResult r = producer.send(new Message(topic, ("m-" + i).getBytes(StandardCharsets.UTF_8)));
                    acknowledged += r.getSendStatus() == SendStatus.SEND_OK ? 1 : 0;
                }
            } finally {
                producer.shutdown();
            }
            long storedOnA = admin.storedMessagesPerBroker(topic).getOrDefault("broker-a", 0L);
            assertThat(acknowledged).isEqualTo(count);
            assertThat(storedOnA).isPositive();

            long pidBefore = broker.pid();
            broker.kill();
            assertThat(broker.isAlive()).isFalse();
            // A crash leaves the abort file: the restart recovers the store from the commit log.
            assertThat(broker.storeDir().resolve("abort")).exists();
            broker.restart();
            assertThat(broker.pid()).isNotEqualTo(pidBefore);
            assertThat(broker.address()).as("same port after the restart").isEqualTo(brokers(admin).get("broker-a"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(admin.storedMessagesPerBroker(topic).getOrDefault("broker-a", 0L)).isEqualTo(storedOnA));
            assertThat(admin.storedMessages(topic)).isEqualTo(count);
        }
    }

    @Test
    void aPausedBrokerMakesAClassicSendTimeOutAndServesAgainWhenResumed() throws Exception {
        RocketMQServer broker = cluster.master("broker-b");
        String topic = UniqueNames.of("ClusterPause");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            // Only on broker-b: a send cannot go elsewhere.
            admin.createTopicOn(java.util.List.of(brokers(admin).get("broker-b")), topic, TopicMessageType.NORMAL, 4);
        }
        DefaultMQProducer producer = producer("cluster-pause");
        producer.setSendMsgTimeout(2000);
        producer.setRetryTimesWhenSendFailed(0);
        try {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                producer.send(new Message(topic, "warm-up".getBytes(StandardCharsets.UTF_8))).getSendStatus() == SendStatus.SEND_OK);
            broker.pause();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> producer.send(new Message(topic, "hung".getBytes(StandardCharsets.UTF_8))))
                .satisfies(e -> assertThat(Hints.explain(e)).containsIgnoringCase("timeout"));
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[cluster] a send to the paused broker failed after %d ms (sendMsgTimeout 2000)%n", waitedMillis);
            assertThat(waitedMillis).isBetween(1500L, 6000L);
            broker.resume();
            assertThat(producer.send(new Message(topic, "after".getBytes(StandardCharsets.UTF_8))).getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);
        } finally {
            broker.resume();
            producer.shutdown();
        }
    }

    @Test
    void aGracefulStopUnregistersTheBrokerWhileAKilledOneIsDroppedWhenItsConnectionCloses() throws Exception {
        RocketMQServer a = cluster.master("broker-a");
        RocketMQServer b = cluster.master("broker-b");
        RocketMQServer namesrv = cluster.nameServers().get(0);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            a.stop();
            // The broker said goodbye itself: its shutdown sends UNREGISTER_BROKER to every NameServer.
            await().atMost(Duration.ofSeconds(5)).until(() -> !brokers(admin).containsKey("broker-a"));
            assertThat(Files.readString(namesrv.logFile())).contains("unregisterBroker, remove addr from brokerAddrTable");

            b.kill();
            // A killed broker sends nothing; the NameServer drops it when it sees its connection
            // close (on one machine, at once; a broker that hangs stays listed for 120 s).
            await().atMost(Duration.ofSeconds(10)).until(() -> !brokers(admin).containsKey("broker-b"));
            assertThat(Files.readString(namesrv.logFile())).contains("channel destroyed");
        } finally {
            // Side by side: each start is a JVM and a store recovery of its own.
            java.util.concurrent.CompletableFuture<Void> restartA = java.util.concurrent.CompletableFuture.runAsync(a::restart);
            b.restart();
            restartA.join();
        }
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> brokers(admin).keySet().containsAll(java.util.List.of("broker-a", "broker-b")));
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void withOneOfTwoNameServersKilledClientsStillRouteAndSend() throws Exception {
        RocketMQServer first = cluster.nameServers().get(0);
        String topic = UniqueNames.of("ClusterNamesrv");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        first.kill();
        DefaultMQProducer producer = producer("cluster-namesrv");
        try {
            // The client picks a NameServer; if it is the dead one, it moves on to the other.
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                producer.send(new Message(topic, "one NameServer left".getBytes(StandardCharsets.UTF_8))).getSendStatus()
                    == SendStatus.SEND_OK);
        } finally {
            producer.shutdown();
        }
        // Restarted, it starts empty and knows the brokers again at their next registration (every
        // 10 s on the test profile): run last, so no other test meets an empty NameServer.
        first.restart();
        RocketMQ onlyFirst = new RocketMQ(first.address(), null, "namesrv-1", cluster.rocketMQ().profile());
        try (RocketMQAdmin admin = RocketMQAdmin.connect(onlyFirst)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> brokers(admin).keySet().containsAll(java.util.List.of("broker-a", "broker-b")));
        }
    }

    @Test
    void aKilledParentTakesItsClusterWithIt() throws Exception {
        // A JVM that starts a cluster, kills its broker (a crashed member: its store stays), prints
        // the servers' pids and directories, and is then killed -9 itself.
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), StartAndWait.class.getName())
            .redirectErrorStream(true).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        String started = out.lines().filter(l -> l.startsWith("STARTED ")).findFirst().orElse(null);
        assertThat(started).as("the child JVM started a cluster").isNotNull();
        String[] parts = started.split(" ");
        long namesrvPid = Long.parseLong(parts[1]);
        java.nio.file.Path namesrvDir = java.nio.file.Path.of(parts[2]);
        java.nio.file.Path killedBrokerDir = java.nio.file.Path.of(parts[3]);

        parent.destroyForcibly(); // kill -9: no shutdown hook runs in the parent
        parent.waitFor();

        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(namesrvPid).map(p -> !p.isAlive()).orElse(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(namesrvDir));
        // Nobody is left to delete the crashed member's store: the next stack start sweeps it (in
        // any JVM: the other test JVM beside this one may start a server first, so whether it is
        // still there at this point is not certain).
        WorkDir.sweepOrphans();
        assertThat(killedBrokerDir).doesNotExist();
    }

    /** Main of the JVM killed above. */
    public static class StartAndWait {
        public static void main(String[] args) throws Exception {
            RocketMQCluster cluster = RocketMQCluster.topology().brokerGroup("broker-a").start();
            RocketMQServer broker = cluster.master("broker-a");
            broker.kill();
            System.out.println("STARTED " + cluster.nameServers().get(0).pid() + " " + cluster.nameServers().get(0).directory()
                + " " + broker.directory());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static DefaultMQProducer producer(String group) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of(group));
        producer.setNamesrvAddr(cluster.rocketMQ().nameServer());
        producer.setInstanceName(UniqueNames.of(group)); // its own client, not one shared with the admin
        producer.start();
        return producer;
    }

    private static Map<String, String> brokers(RocketMQAdmin admin) throws Exception {
        Map<String, String> masters = new java.util.TreeMap<>();
        for (BrokerData data : admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values()) {
            String master = data.getBrokerAddrs().get(0L);
            if (master != null) {
                masters.put(data.getBrokerName(), master);
            }
        }
        return masters;
    }
}
