package learn.rocketmq.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.StandaloneRocketMQ;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./rocketmq up --cluster}: its eight server processes come up with RocketMQ's default
 * settings, classic clients send through both NameServers and 5.x clients through the proxy, a
 * master killed with {@code kill -9} is replaced by its slave (the controller's failover), a
 * Ctrl-C stops the rest cleanly, and the next start on the same data, on the same ports, holds
 * every acknowledged message. It runs the class {@code ./rocketmq up} runs, with
 * {@code --free-ports} so a learner's own cluster may keep running.
 */
class StandaloneClusterTest {

    private static final Pattern SERVER = Pattern.compile("^  (\\S+)\\s+(namesrv|controller|broker|proxy)\\s+(\\S+)\\s+pid (\\d+)",
        Pattern.MULTILINE);

    @TempDir
    Path work;

    private final List<Process> processes = new ArrayList<>();

    /** Kills what is left, and waits until it is gone: nothing writes into the directory JUnit deletes next. */
    @AfterEach
    void killWhatIsLeft() throws Exception {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void itFailsOverAKilledMasterStopsCleanlyAndKeepsEveryMessageAcrossARestart() throws Exception {
        Path data = work.resolve("cluster-data");

        // 1. Eight processes: two NameServers, a controller, two groups of two brokers, a proxy.
        Cluster first = Cluster.start(this, data, "--fresh");
        assertThat(first.output()).contains("(new)");
        Map<String, String> addresses = first.addresses();
        assertThat(addresses.keySet()).containsExactly("namesrv-1", "namesrv-2", "controller-1", "broker-a-0", "broker-a-1",
            "broker-b-0", "broker-b-1", "proxy");
        assertThat(first.output()).containsPattern("master of broker-a").containsPattern("slave \\(brokerId \\d+\\) of broker-a").contains("master of broker-b");
        RocketMQ rocketmq = first.rocketMQ();
        assertThat(rocketmq.nameServer()).isEqualTo(addresses.get("namesrv-1") + ";" + addresses.get("namesrv-2"));

        String topic = UniqueNames.of("ClusterUp");
        int sent = 0;
        String killed;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // On every broker of both groups: whichever becomes a master has it.
            admin.createTopicOn(List.of(addresses.get("broker-a-0"), addresses.get("broker-a-1"), addresses.get("broker-b-0"),
                addresses.get("broker-b-1")), topic, TopicMessageType.NORMAL, 2);

            // 2. A classic producer through both NameServers, a 5.x producer through the proxy.
            DefaultMQProducer classic = new DefaultMQProducer(UniqueNames.of("cluster-up-producer"));
            Clients.configure(classic, rocketmq);
            classic.start();
            try {
                for (int i = 0; i < 20; i++, sent++) {
                    assertThat(classic.send(new Message(topic, ("classic-" + i).getBytes(StandardCharsets.UTF_8))).getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
                }
            } finally {
                classic.shutdown();
            }
            ClientServiceProvider provider = ClientServiceProvider.loadService();
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                .setTopics(topic).build()) {
                for (int i = 0; i < 20; i++, sent++) {
                    producer.send(provider.newMessageBuilder().setTopic(topic).setBody(("grpc-" + i).getBytes(StandardCharsets.UTF_8))
                        .build());
                }
            }
            int acknowledged = sent;
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.storedMessages(topic) == acknowledged);

            // 3. kill -9 of broker-a's master: the controller makes broker-a-1 the master, and the
            //    NameServers route it as such.
            killed = masterOf(admin, "broker-a").equals(addresses.get("broker-a-0")) ? "broker-a-0" : "broker-a-1";
            String other = killed.equals("broker-a-0") ? "broker-a-1" : "broker-a-0";
            long t0 = System.nanoTime();
            ProcessHandle.of(first.pid(killed)).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(30)).until(() -> addresses.get(other).equals(masterOf(admin, "broker-a")));
            System.out.printf("[cluster-up] %s killed; %s routed as broker-a's master after %d ms%n", killed, other,
                (System.nanoTime() - t0) / 1_000_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.output().contains(killed + " (pid " + first.pid(killed)
                + ") has ended without a clean stop"));
            assertThat(admin.storedMessages(topic)).as("every acknowledged message on the new master").isEqualTo(sent);
        }

        // 4. Ctrl-C (SIGTERM): the seven others stop cleanly; only the killed one is named.
        first.process.toHandle().destroy();
        assertThat(first.exitCode()).isZero();
        assertThat(first.output()).contains("Stopped; " + killed + " had ended without a clean stop before");

        // 5. Started again on its data: the same ports, every message there (the killed broker
        //    recovered its store). The test's end stops it (its servers stop when their parent is gone).
        Cluster second = Cluster.start(this, data);
        assertThat(second.output()).contains("(kept from the last run)");
        assertThat(second.addresses()).isEqualTo(addresses);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(second.rocketMQ())) {
            int expected = sent;
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.storedMessages(topic) == expected);
        }
    }

    private static String masterOf(RocketMQAdmin admin, String group) throws Exception {
        return admin.api().examineBrokerClusterInfo().getBrokerAddrTable().get(group).getBrokerAddrs().get(MixAll.MASTER_ID);
    }

    /** {@code ./rocketmq up --cluster}'s main class, in a JVM of its own, until it printed its servers. */
    record Cluster(Process process, List<String> lines, Thread reader) {

        static Cluster start(StandaloneClusterTest test, Path data, String... options) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StandaloneRocketMQ.class.getName(), "--cluster",
                "--data", data.toString(), "--free-ports"));
            command.addAll(List.of(options));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).directory(test.work.toFile()).start();
            test.processes.add(process);
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            Cluster cluster = new Cluster(process, lines, reader);
            await().atMost(Duration.ofSeconds(120)).until(() -> cluster.output().contains("Ctrl-C stops the cluster")
                || !process.isAlive());
            assertThat(cluster.output()).contains("A RocketMQ 5.5.0 cluster is up");
            System.out.println("[cluster-up] " + lines.get(0));
            return cluster;
        }

        String output() {
            return String.join("\n", lines);
        }

        /** Server name to address, in the order printed. */
        Map<String, String> addresses() {
            Map<String, String> addresses = new LinkedHashMap<>();
            Matcher m = SERVER.matcher(output());
            while (m.find()) {
                addresses.put(m.group(1), m.group(3));
            }
            return addresses;
        }

        long pid(String server) {
            Matcher m = SERVER.matcher(output());
            while (m.find()) {
                if (m.group(1).equals(server)) {
                    return Long.parseLong(m.group(4));
                }
            }
            throw new AssertionError("no " + server + " in\n" + output());
        }

        RocketMQ rocketMQ() {
            Matcher namesrv = Pattern.compile("setNamesrvAddr\\(\"([^\"]+)\"\\)").matcher(output());
            Matcher proxy = Pattern.compile("setEndpoints\\(\"([^\"]+)\"\\)").matcher(output());
            assertThat(namesrv.find() && proxy.find()).isTrue();
            return new RocketMQ(namesrv.group(1), proxy.group(1), "./rocketmq up --cluster", StackProfile.DEFAULTS);
        }

        int exitCode() throws InterruptedException {
            int code = process.waitFor();
            reader.join(10_000);
            return code;
        }
    }
}
