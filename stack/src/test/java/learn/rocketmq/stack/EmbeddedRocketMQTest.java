package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded stack is a real server in its own process, and leaves nothing behind. */
@ExtendWith(RocketMQExtension.class)
class EmbeddedRocketMQTest {

    @Test
    void serverRunsInItsOwnProcessWithEveryEndpointListening(RocketMQ rocketmq) {
        EmbeddedRocketMQ stack = RocketMQExtension.sharedEmbedded();
        assertThat(stack.serverProcess().pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(stack.serverProcess().isAlive()).isTrue();
        assertThat(Stack.listening(rocketmq.nameServer())).isTrue();
        assertThat(Stack.listening(rocketmq.proxy())).isTrue();
        assertThat(Stack.listening(stack.brokerAddress())).isTrue();
        // Its files live in its own directory, not the learner's home. Its logs are kept where the
        // build asks (target/rocketmq-logs, set for every test JVM), so a red run can be read.
        assertThat(stack.baseDir().resolve("store/commitlog")).isDirectory();
        assertThat(Stack.keptLogsRoot()).isPresent();
        assertThat(stack.logDir()).startsWith(Stack.keptLogsRoot().get());
        assertThat(stack.logDir().resolve("rocketmq.log")).isNotEmptyFile();
        // It runs the fast-test profile, and the broker config from the repo's config/broker.conf.
        assertThat(rocketmq.profile()).isEqualTo(StackProfile.FAST_TESTS);
    }

    @Test
    void theBrokerRunsTheRepositoryConfigFiles(RocketMQAdmin admin) throws Exception {
        var cluster = admin.api().examineBrokerClusterInfo();
        assertThat(cluster.getClusterAddrTable()).containsKey("DefaultCluster");
        assertThat(cluster.getBrokerAddrTable()).containsKey("broker-a");
        String brokerAddr = cluster.getBrokerAddrTable().get("broker-a").getBrokerAddrs().get(0L);
        var config = admin.api().getBrokerConfig(brokerAddr);
        assertThat(config.getProperty("autoCreateTopicEnable")).isEqualTo("false");
        assertThat(config.getProperty("mappedFileSizeCommitLog")).isEqualTo("16777216");
        // fast-tests.conf on top: short delay levels and transaction checks.
        assertThat(config.getProperty("transactionCheckInterval")).isEqualTo("1000");
    }

    @Test
    void aClassicProducerSendsToATopicCreatedUpFront(RocketMQ rocketmq, RocketMQAdmin admin) throws Exception {
        String topic = UniqueNames.of("StackSmoke");
        admin.createTopic(topic, TopicMessageType.NORMAL, 2);
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("stack-smoke"));
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        try {
            SendResult result = producer.send(new Message(topic, "hello".getBytes(StandardCharsets.UTF_8)));
            assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        } finally {
            producer.shutdown();
        }
        // The classic client's log is kept with the run's logs (not in ~/logs/rocketmqlogs).
        String clientLog = Files.readString(Stack.clientLogDir().resolve("rocketmq_client.log"));
        assertThat(clientLog.contains("the producer [" + producer.getProducerGroup() + "] start OK"))
            .as("the client log in target/rocketmq-logs/client-<fork> tells of this producer").isTrue();
    }

    @Test
    void aSecondStackServesItsFirstSendSecondsAfterStartAndStopsAtOnce() throws Exception {
        long t0 = System.nanoTime();
        // A stack with a setting of its own (here: SQL92 filtering off), as a lesson showing
        // the error without it would start.
        EmbeddedRocketMQ second = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS, Map.of("enablePropertyFilter", "false"));
        Path dir = second.baseDir();
        ProcessHandle server = second.serverProcess();
        String topic = UniqueNames.of("FirstSend");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(second.rocketMQ())) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 1);
            assertThat(admin.api().getBrokerConfig(second.brokerAddress()).getProperty("enablePropertyFilter")).isEqualTo("false");
        }
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("first-send"));
        producer.setNamesrvAddr(second.rocketMQ().nameServer());
        producer.start();
        SendResult result = producer.send(new Message(topic, "first".getBytes(StandardCharsets.UTF_8)));
        long firstSendMillis = (System.nanoTime() - t0) / 1_000_000;
        producer.shutdown();
        assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        long rssKb = residentKilobytes(server.pid());

        long t1 = System.nanoTime();
        second.close();
        long stopMillis = (System.nanoTime() - t1) / 1_000_000;

        assertThat(server.isAlive()).isFalse();
        assertThat(dir).doesNotExist();
        // Its store is gone; its log stays behind for whoever reads a failed run.
        assertThat(second.logDir().resolve("rocketmq.log")).isNotEmptyFile();
        assertThat(Stack.listening(second.rocketMQ().nameServer())).isFalse();
        System.out.printf("[stack] second stack: ready in %d ms, first SEND_OK after %d ms, server RSS %d MB,"
            + " stopped in %d ms%n", second.startMillis(), firstSendMillis, rssKb / 1024, stopMillis);
    }

    @Test
    void aSecondMasterAndASlaveJoinTheClusterEachInAProcessOfItsOwn() throws Exception {
        try (EmbeddedRocketMQ stack = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS);
             RocketMQServer brokerB = stack.startBroker(Map.of("brokerName", "broker-b"));
             RocketMQServer slaveA = stack.startBroker(Map.of("brokerName", "broker-a", "brokerId", "1", "brokerRole", "SLAVE"));
             RocketMQAdmin admin = RocketMQAdmin.connect(stack.rocketMQ())) {
            assertThat(brokerB.pid()).isNotEqualTo(stack.serverProcess().pid());
            var cluster = admin.api().examineBrokerClusterInfo();
            assertThat(cluster.getClusterAddrTable().get("DefaultCluster")).containsExactlyInAnyOrder("broker-a", "broker-b");
            assertThat(cluster.getBrokerAddrTable().get("broker-a").getBrokerAddrs())
                .containsEntry(0L, stack.brokerAddress()).containsEntry(1L, slaveA.address());

            // A topic created up front lives on every master; a producer spreads its sends over both.
            String topic = UniqueNames.of("TwoMasters");
            admin.createTopic(topic, TopicMessageType.NORMAL, 2);
            assertThat(admin.api().examineTopicRouteInfo(topic).getQueueDatas()).hasSize(2);
            DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("two-masters"));
            producer.setNamesrvAddr(stack.rocketMQ().nameServer());
            producer.start();
            Set<String> brokersUsed = new HashSet<>();
            try {
                for (int i = 0; i < 4; i++) {
                    SendResult result = producer.send(new Message(topic, ("m" + i).getBytes(StandardCharsets.UTF_8)));
                    assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                    brokersUsed.add(result.getMessageQueue().getBrokerName());
                }
            } finally {
                producer.shutdown();
            }
            assertThat(brokersUsed).containsExactlyInAnyOrder("broker-a", "broker-b");
            assertThat(admin.storedMessagesPerBroker(topic)).containsEntry("broker-a", 2L).containsEntry("broker-b", 2L);
            // The slave copies broker-a's commit log (HA replication, to broker-a's listen port + 1).
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String master = admin.api().fetchBrokerRuntimeStats(stack.brokerAddress()).getTable().get("commitLogMaxOffset");
                return master.equals(admin.api().fetchBrokerRuntimeStats(slaveA.address()).getTable().get("commitLogMaxOffset"));
            });

            Path dir = brokerB.directory();
            brokerB.close();
            assertThat(brokerB.isAlive()).isFalse();
            assertThat(dir).doesNotExist();
            assertThat(Stack.listening(brokerB.address())).isFalse();
        }
    }

    @Test
    void anIdleBrokerThatEndedATransactionLeavesTheCpuAlone(RocketMQ rocketmq, RocketMQAdmin admin) throws Exception {
        // RocketMQ 5.5.0 spins a core here (TransactionalOpBatchService); the stack installs
        // IdleSafeTransactionalMessageService. One committed transaction, then idle.
        String topic = UniqueNames.of("IdleAfterTransaction");
        admin.createTopic(topic, TopicMessageType.TRANSACTION, 1);
        TransactionMQProducer producer = new TransactionMQProducer(UniqueNames.of("idle-after-transaction"));
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.COMMIT_MESSAGE;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        producer.start();
        try {
            assertThat(producer.sendMessageInTransaction(new Message(topic, "x".getBytes(StandardCharsets.UTF_8)), null)
                .getLocalTransactionState()).isEqualTo(LocalTransactionState.COMMIT_MESSAGE);
        } finally {
            producer.shutdown();
        }
        long pid = RocketMQExtension.sharedEmbedded().serverProcess().pid();
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/" + pid + "/task")), "needs Linux /proc");
        Thread.sleep(1000); // idle for longer than transactionOpBatchInterval (fast-tests.conf: 200 ms)
        long before = cpuTicksOfThread(pid, "TransactionalOp");
        Thread.sleep(2000); // measuring idle CPU: nothing to wait for
        long used = cpuTicksOfThread(pid, "TransactionalOp") - before;
        // Spinning, the thread used ~180 of these 200 ticks (1/100 s); idle, none or one.
        assertThat(used).isLessThan(20);
    }

    @Test
    void aBrokerDoesNotSpinACoreForItsFirstSeconds() throws Exception {
        // RocketMQ 5.5.0's TransactionMetricsFlushService loops without waiting until its first
        // flush, transactionMetricFlushInterval after the start: 10 s by default, about 920 ticks
        // (1/100 s) of CPU. config/broker.conf sets 1 s.
        long pid = RocketMQExtension.sharedEmbedded().serverProcess().pid();
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/" + pid + "/task")), "needs Linux /proc");
        long since = RocketMQExtension.sharedEmbedded().serverProcess().info().startInstant().orElseThrow().toEpochMilli();
        Thread.sleep(Math.max(0, since + 12_000 - System.currentTimeMillis())); // past the default's 10 s
        assertThat(cpuTicksOfThread(pid, "TransactionFlus")).as("CPU ticks of TransactionFlushService since the start").isLessThan(300);
    }

    /** CPU time (user + system, in clock ticks) of the server thread whose name starts with {@code name}. */
    private static long cpuTicksOfThread(long pid, String name) throws Exception {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                // readAllLines: Files.readString may return only the first byte of a /proc file.
                if (Files.readAllLines(task.resolve("comm")).get(0).startsWith(name)) {
                    String[] stat = Files.readAllLines(task.resolve("stat")).get(0).replaceAll("^.*\\) ", "").split(" ");
                    return Long.parseLong(stat[11]) + Long.parseLong(stat[12]); // fields 14 and 15: utime, stime
                }
            }
        }
        throw new IllegalStateException("no thread " + name + " in process " + pid);
    }

    private static long residentKilobytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux: no figure
        }
        return -1;
    }

    @Test
    void aKilledParentTakesItsServerAndFilesWithIt() throws Exception {
        // A JVM that starts a stack and prints its server's pid and directory, then is killed -9.
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
            StartAndWait.class.getName()).redirectErrorStream(true).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        String line;
        String started = null;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("STARTED ")) {
                started = line;
                break;
            }
        }
        assertThat(started).as("the child JVM started a stack").isNotNull();
        String[] parts = started.split(" ");
        long serverPid = Long.parseLong(parts[1]);
        Path dir = Path.of(parts[2]);
        assertThat(ProcessHandle.of(serverPid)).isPresent();

        parent.destroyForcibly(); // kill -9: no shutdown hook runs in the parent
        parent.waitFor();

        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(serverPid).map(p -> !p.isAlive()).orElse(true));
        // The server deleted its directory before it ended: what is left, if anything, is named.
        List<String> left = new ArrayList<>();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.forEach(f -> left.add(dir.relativize(f).toString()));
            }
        }
        assertThat(left).as("left in %s", dir).isEmpty();
    }

    /** Main of the JVM killed above. */
    public static class StartAndWait {
        public static void main(String[] args) throws Exception {
            EmbeddedRocketMQ stack = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS);
            System.out.println("STARTED " + stack.serverProcess().pid() + " " + stack.baseDir());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void serverClassPathHoldsNoGrpcClient() throws Exception {
        List<String> classPath = ServerClassPath.serverClassPath();
        assertThat(classPath).noneMatch(entry -> entry.contains("rocketmq-client-java"));
        assertThat(classPath).anyMatch(entry -> entry.contains("rocketmq-broker"));
        assertThat(classPath).allMatch(entry -> entry.endsWith(".jar"));
    }
}
