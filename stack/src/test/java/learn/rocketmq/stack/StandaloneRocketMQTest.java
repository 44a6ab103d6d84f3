package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./rocketmq up} behaves like a default RocketMQ 5.5.0 installation: RocketMQ's own
 * quickstart programs (rocketmq-example 5.5.0 from Maven Central, unchanged, configured only by
 * {@code NAMESRV_ADDR} as its documentation says) run against it; TLS and plaintext both work; its
 * data survives a clean stop and a crash; a clean stop says so, a crash says where the logs are.
 * It runs {@link StandaloneRocketMQ}, the class {@code ./rocketmq up} runs, with
 * {@code --free-ports} so a learner's own {@code ./rocketmq up} may keep running.
 */
class StandaloneRocketMQTest {

    private static final int QUICKSTART_MESSAGES = 1000; // org.apache.rocketmq.example.quickstart.Producer.MESSAGE_COUNT

    @TempDir
    Path work;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void quickstartProgramsRunUnchangedAndTheDataSurvivesACrashAndACleanStop() throws Exception {
        Path data = work.resolve("rocketmq-data");
        Files.createDirectories(data.resolve("store"));
        Files.writeString(data.resolve("store/left-from-before"), "--fresh removes this");

        // 1. A fresh start: --fresh empties the data directory.
        Standalone first = Standalone.start(this, data, "--fresh");
        assertThat(first.output()).contains("(new)");
        assertThat(data.resolve("store/left-from-before")).doesNotExist();
        acceptsTlsAndPlaintext(first.nameServer());
        acceptsTlsAndPlaintext(first.proxy());

        // 2. RocketMQ's quickstart: the producer sends 1000 messages to TopicTest, a topic nobody
        //    created (a default broker creates it on first send); the consumer reads them all.
        Program producer = run("org.apache.rocketmq.example.quickstart.Producer", first.nameServer());
        // The quickstart producer retries a failed send forever (1 s apart): bound the wait.
        assertThat(producer.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("producer finished").isTrue();
        assertThat(producer.process.exitValue()).isZero();
        Set<String> sent = producer.matches(Pattern.compile("SendResult \\[sendStatus=SEND_OK, msgId=(\\w+)"));
        assertThat(sent).hasSize(QUICKSTART_MESSAGES);
        Program consumer = run("org.apache.rocketmq.example.quickstart.Consumer", first.nameServer());
        // A bound above 30 s: the unchanged consumer may hit the client's first-rebalance heartbeat
        // race, which stalls it for one heartbeat interval (30 s; docs/rocketmq-5.5-behaviour.md).
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.matches(Pattern.compile("UNIQ_KEY=(\\w+)")).containsAll(sent));
        try (RocketMQAdmin admin = first.admin()) {
            // The consumer commits its offsets to the broker every 5 s: wait until all are committed.
            await().atMost(Duration.ofSeconds(30)).until(() -> lag(admin) == 0);
        }
        consumer.process.destroyForcibly().waitFor();

        // 3. A crash (kill -9 of the server): the stack says so and points at logs that exist.
        ProcessHandle.of(first.serverPid()).orElseThrow().destroyForcibly();
        assertThat(first.exitCode()).isEqualTo(1);
        assertThat(first.output()).contains("ended without a clean stop");
        Matcher log = Pattern.compile("Its log: (\\S+rocketmq\\.log)\\.").matcher(first.output());
        assertThat(log.find()).isTrue();
        assertThat(Path.of(log.group(1))).isNotEmptyFile();

        // 4. Restarted on the same data: the store recovered, every message and the topic there.
        //    (Consumer offsets reach the disk every 5 s, flushConsumerOffsetInterval: a crash may
        //    take the last seconds of progress with it, and those messages come again. Not lost.)
        Standalone second = Standalone.start(this, data);
        assertThat(second.output()).contains("the last run did not stop cleanly, so the broker recovered its store");
        try (RocketMQAdmin admin = second.admin()) {
            assertThat(admin.api().fetchAllTopicList().getTopicList()).contains("TopicTest");
            assertThat(admin.storedMessages("TopicTest")).isEqualTo(QUICKSTART_MESSAGES);
            assertThat(admin.api().viewMessage("TopicTest", sent.iterator().next()).getBody()).isNotEmpty();
            // The group commits everything (in the broker's memory only, until it persists)...
            commitAll(admin);
            assertThat(stats(admin).computeTotalDiff()).isZero();
        }

        // 5. ...and a clean stop right away (SIGTERM, as Ctrl-C): the servers shut down as
        //    RocketMQ's own hooks do, so the broker writes those offsets out before it ends.
        second.process.toHandle().destroy(); // SIGTERM (Process.destroy() would also close its output)
        assertThat(second.exitCode()).isZero();
        assertThat(second.output()).contains("RocketMQ stopped cleanly in").doesNotContain("without a clean stop");

        // 6. A normal start on a clean store, the offsets as they were at the stop.
        Standalone third = Standalone.start(this, data);
        assertThat(third.output()).contains("(kept from the last run)");
        try (RocketMQAdmin admin = third.admin()) {
            assertThat(admin.storedMessages("TopicTest")).isEqualTo(QUICKSTART_MESSAGES);
            assertThat(stats(admin).computeTotalDiff()).isZero();
        }
    }

    /** A TLS handshake succeeds on the port (self-signed: not verified, as RocketMQ's clients do), and plaintext connects. */
    private static void acceptsTlsAndPlaintext(String address) throws Exception {
        assertThat(Stack.listening(address)).isTrue();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        int colon = address.lastIndexOf(':');
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory()
            .createSocket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).as(address).startsWith("TLS");
        }
    }

    /** {@code ./rocketmq up}'s main class, in a JVM of its own, until it printed its addresses. */
    record Standalone(Process process, List<String> lines, Thread[] reader) {

        static Standalone start(StandaloneRocketMQTest test, Path data, String... options) {
            List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                StandaloneRocketMQ.class.getName(), "--data", data.toString(), "--free-ports"));
            command.addAll(List.of(options));
            Standalone standalone = new Standalone(test.launch(command), new CopyOnWriteArrayList<>(), new Thread[1]);
            standalone.drain();
            await().atMost(Duration.ofSeconds(90)).until(() -> standalone.output().contains("Ctrl-C stops it")
                || !standalone.process.isAlive());
            assertThat(standalone.output()).contains("RocketMQ 5.5.0 is up");
            return standalone;
        }

        private void drain() {
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
            this.reader[0] = reader;
        }

        /** Waits for the process to end and its output to be read. */
        int exitCode() throws InterruptedException {
            int code = process.waitFor();
            reader[0].join(10_000);
            return code;
        }

        String output() {
            return String.join("\n", lines);
        }

        String nameServer() {
            return field("NameServer\\s+(\\S+)");
        }

        String proxy() {
            return field("Proxy \\(gRPC\\)\\s+(\\S+)");
        }

        RocketMQAdmin admin() {
            return RocketMQAdmin.connect(new RocketMQ(nameServer(), proxy(), "./rocketmq up", StackProfile.DEFAULTS));
        }

        long serverPid() {
            return Long.parseLong(field("pid (\\d+)"));
        }

        private String field(String regex) {
            Matcher m = Pattern.compile(regex).matcher(output());
            assertThat(m.find()).as(regex).isTrue();
            return m.group(1);
        }
    }

    /** A published example's main class, configured as its documentation says: NAMESRV_ADDR. */
    private Program run(String mainClass, String nameServer) throws IOException {
        Path out = Files.createTempFile(work, "program", ".out");
        ProcessBuilder builder = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), mainClass)
            .redirectErrorStream(true).redirectOutput(out.toFile()).directory(work.toFile());
        builder.environment().put("NAMESRV_ADDR", nameServer);
        // The client's own files (logs, offsets) in the test's directory, not the home directory.
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Duser.home=" + work + " -Drocketmq.client.logRoot=" + work.resolve("client-logs"));
        Process process = builder.start();
        processes.add(process);
        return new Program(process, out);
    }

    private Process launch(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(work.toFile());
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Program(Process process, Path out) {
        Set<String> matches(Pattern pattern) throws IOException {
            Set<String> found = new java.util.HashSet<>();
            Matcher m = pattern.matcher(Files.readString(out));
            while (m.find()) {
                found.add(m.group(1));
            }
            return found;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The quickstart consumer's group ({@code org.apache.rocketmq.example.quickstart.Consumer}). */
    private static final String GROUP = "please_rename_unique_group_name_4";

    private static ConsumeStats stats(RocketMQAdmin admin) throws Exception {
        return admin.api().examineConsumeStats(GROUP);
    }

    private static long lag(RocketMQAdmin admin) {
        try {
            return stats(admin).computeTotalDiff();
        } catch (Exception notYet) {
            return -1;
        }
    }

    /** Commits the group's offset of every queue at its end, as a consumer that read all would. */
    private static void commitAll(RocketMQAdmin admin) throws Exception {
        var brokers = admin.api().examineBrokerClusterInfo().getBrokerAddrTable();
        for (var entry : admin.api().examineTopicStats("TopicTest").getOffsetTable().entrySet()) {
            String broker = brokers.get(entry.getKey().getBrokerName()).selectBrokerAddr();
            admin.api().updateConsumeOffset(broker, GROUP, entry.getKey(), entry.getValue().getMaxOffset());
        }
    }
}
