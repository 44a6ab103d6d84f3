package learn.rocketmq.internals.performance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * JVM tuning, measured on the broker's own process: its garbage collector (G1, Serial, ZGC) by
 * throughput, send latency and the GC pauses in its GC log; its memory (heap, direct buffers,
 * mapped store files) from /proc; and what the official start script's pre-touched heap costs.
 * Roadmap: 6.2 Performance Optimization: JVM tuning.
 *
 * <p>RocketMQ's {@code bin/runbroker.sh} starts a broker with {@code -Xms8g -Xmx8g -Xmn4g}, G1 and
 * {@code -XX:+AlwaysPreTouch}: the JVM touches every page of the heap at start, so the 8 GB are
 * resident from the first second and no page fault hits a send later. Right on a dedicated 64 GB
 * server; on a laptop, 8 GB gone before the first message (and the script refuses to start on
 * less). The lesson's brokers have a 1 GB heap each; one of them pre-touches it. The broker's
 * resident memory is more than its heap: direct buffers (one 4 MB encoder per writing thread,
 * bounded by {@code -XX:MaxDirectMemorySize}) and, above all, the pages of the mapped commit log
 * and consume queue files it has touched ({@code RssFile} in /proc/pid/status), page cache that
 * the kernel can take back. Run it: {@code ./lesson JvmTuning} ({@code --quick}: seconds).
 */
public class JvmTuning {

    public static final int MESSAGE_SIZE = 1024;
    public static final List<String> G1 = RocketMQCluster.INSTALLATION_JVM_OPTIONS;
    public static final List<String> SERIAL = List.of("-server", "-Xms1g", "-Xmx1g", "-XX:+UseSerialGC");
    public static final List<String> ZGC = List.of("-server", "-Xms1g", "-Xmx1g", "-XX:+UseZGC");
    private static final Pattern PAUSE = Pattern.compile("Pause.* (\\d+\\.\\d+)ms$");

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path out = Path.of("target", "benchmark");
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology(out.resolve("gc").toAbsolutePath()))) {
            Result r = run(cluster, "LessonJvmTuning", quick ? Duration.ofMillis(500) : Duration.ofSeconds(5), out);
            r.comparisons().forEach(c -> System.out.printf("Done: %s x%.2f of G1's throughput, p99.9 %.2f ms vs %.2f ms%n", c.tuning(),
                c.ratio(), c.tuned().millis(99.9), c.baseline().figures().millis(99.9)));
        }
    }

    /** A NameServer and four brokers: G1 (the installation's), Serial, ZGC, and G1 with a pre-touched heap; GC logs in {@code gcLogs}. */
    public static RocketMQCluster.Topology topology(Path gcLogs) {
        Map<String, List<String>> jvms = new LinkedHashMap<>();
        jvms.put("broker-g1", G1);
        jvms.put("broker-serial", SERIAL);
        jvms.put("broker-zgc", ZGC);
        List<String> preTouch = new ArrayList<>(G1);
        preTouch.add("-XX:+AlwaysPreTouch");
        jvms.put("broker-g1-pretouch", preTouch);
        RocketMQCluster.Topology t = RocketMQCluster.topology();
        jvms.forEach((group, options) -> {
            List<String> withLog = new ArrayList<>(options);
            withLog.add("-Xlog:gc,gc+phases=info:file=" + gcLogs.resolve(group + "-gc.log") + ":uptime");
            t.brokerGroup(group).jvmOptions(group, withLog);
        });
        try {
            Files.createDirectories(gcLogs);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return t;
    }

    /**
     * A broker's memory, from /proc/pid/status: all resident; anonymous (heap, direct buffers,
     * metaspace, stacks); file-backed (the mapped store files); shared (ZGC maps its heap as
     * shared memory, so its heap shows here, not as anonymous).
     */
    public record Memory(long residentMb, long anonymousMb, long fileMb, long sharedMb) {
    }

    /** A run on one broker and the GC pauses its log recorded during the run. */
    public record GcRun(LoadRun.Figures figures, List<Double> pausesMillis) {
        public double totalPauseMillis() {
            return pausesMillis.stream().mapToDouble(Double::doubleValue).sum();
        }

        public double longestPauseMillis() {
            return pausesMillis.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    public record Comparison(String tuning, GcRun baseline, GcRun tunedRun) {
        public LoadRun.Figures tuned() {
            return tunedRun.figures();
        }

        public double ratio() {
            return tunedRun.figures().perSecond() / baseline.figures().perSecond();
        }
    }

    public record Result(List<Comparison> comparisons, Map<String, Memory> memoryAtStart, Map<String, Memory> memoryAfter,
                         Map<String, Long> acknowledged, Map<String, Long> failed, Map<String, Long> stored, List<Path> files) {
    }

    public static Result run(RocketMQCluster cluster, String topic, Duration length, Path out) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        List<String> brokers = List.of("broker-g1", "broker-serial", "broker-zgc", "broker-g1-pretouch");
        Map<String, Memory> atStart = new LinkedHashMap<>();
        brokers.forEach(b -> atStart.put(b, memory(cluster.master(b))));
        System.out.println("1. Resident memory right after start (1 GB heaps):");
        atStart.forEach((b, m) -> System.out.printf("   %-20s %5d MB (anonymous %d, file-backed %d, shared %d)%n", b, m.residentMb(),
            m.anonymousMb(), m.fileMb(), m.sharedMb()));
        Map<String, Long> acknowledged = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        Map<String, Long> stored = new LinkedHashMap<>();
        List<Comparison> comparisons = new ArrayList<>();
        List<LoadRun.Figures> all = new ArrayList<>();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            Map<String, DefaultMQProducer> producers = new LinkedHashMap<>();
            for (String b : brokers) {
                admin.createTopicOn(List.of(cluster.master(b).address()), topic + "-" + b, TopicMessageType.NORMAL, 8);
                DefaultMQProducer p = Clients.configure(new DefaultMQProducer(topic + "-" + b + "-producer"), rocketmq);
                p.setInstanceName(p.getProducerGroup());
                p.start();
                producers.put(b, p);
            }
            try {
                // 2. Warm-up, then async sends (a window of 64) on G1 right before each other GC.
                for (String b : brokers) {
                    record(asyncRun("warm-up " + b, producers.get(b), topic + "-" + b, length, cluster.master(b)), b, acknowledged, failed);
                }
                System.out.printf("2. Async sends of %d B, window 64, %d ms per run; GC pauses from each broker's GC log%n", MESSAGE_SIZE,
                    length.toMillis());
                for (String b : List.of("broker-serial", "broker-zgc")) {
                    GcRun g1 = record(asyncRun("G1 (before " + b + ")", producers.get("broker-g1"), topic + "-broker-g1", length,
                        cluster.master("broker-g1")), "broker-g1", acknowledged, failed);
                    GcRun other = record(asyncRun(b.substring("broker-".length()), producers.get(b), topic + "-" + b, length,
                        cluster.master(b)), b, acknowledged, failed);
                    Comparison c = new Comparison(b.equals("broker-serial") ? "Serial GC" : "ZGC", g1, other);
                    comparisons.add(c);
                    all.add(g1.figures());
                    all.add(other.figures());
                    for (GcRun run : List.of(g1, other)) {
                        System.out.printf("   %s   %d GC pauses, %.2f ms in all, longest %.2f ms%n", run.figures(),
                            run.pausesMillis().size(), run.totalPauseMillis(), run.longestPauseMillis());
                    }
                    System.out.printf("   %s: x%.2f G1's throughput%n", c.tuning(), c.ratio());
                }
            } finally {
                producers.values().forEach(DefaultMQProducer::shutdown);
            }
            for (String b : brokers) {
                stored.put(b, admin.storedMessages(topic + "-" + b));
            }
        }
        Map<String, Memory> after = new LinkedHashMap<>();
        brokers.forEach(b -> after.put(b, memory(cluster.master(b))));
        System.out.println("3. Resident memory after the runs:");
        after.forEach((b, m) -> System.out.printf("   %-20s %5d MB (anonymous %d, file-backed %d: mapped store pages, shared %d)%n", b,
            m.residentMb(), m.anonymousMb(), m.fileMb(), m.sharedMb()));
        System.out.printf("4. Acknowledged %s, failed %s, stored %s%n", acknowledged, failed, stored);

        Map<String, Map<String, Double>> chart = new LinkedHashMap<>();
        for (Comparison c : comparisons) {
            Map<String, Double> bars = new LinkedHashMap<>();
            bars.put("throughput x G1", c.ratio());
            bars.put("p99.9 latency x G1", c.tuned().millis(99.9) / c.baseline().figures().millis(99.9));
            chart.put(c.tuning(), bars);
        }
        Map<String, Map<String, Double>> memoryChart = new LinkedHashMap<>();
        for (String b : brokers) {
            Map<String, Double> bars = new LinkedHashMap<>();
            bars.put("at start", (double) atStart.get(b).residentMb());
            bars.put("after the runs", (double) after.get(b).residentMb());
            memoryChart.put(b.substring("broker-".length()), bars);
        }
        List<Path> files = List.of(Report.csv(out, "jvm-tuning", all),
            Report.groupedBarChart(out, "jvm-tuning-gc", "The broker's GC against G1 (same run)", "x G1", chart),
            Report.groupedBarChart(out, "jvm-tuning-memory", "The broker's resident memory (1 GB heap)", "MB", memoryChart));
        System.out.printf("5. Wrote %s%n", files);
        return new Result(comparisons, atStart, after, acknowledged, failed, stored, files);
    }

    private static GcRun record(GcRun run, String broker, Map<String, Long> acknowledged, Map<String, Long> failed) {
        acknowledged.merge(broker, run.figures().messages(), Long::sum);
        failed.merge(broker, run.figures().failed(), Long::sum);
        return run;
    }

    /** Async sends for {@code length}; the pauses are those the broker's GC log gained meanwhile. */
    private static GcRun asyncRun(String name, DefaultMQProducer producer, String topic, Duration length, RocketMQServer broker)
        throws Exception {
        Path log = gcLog(broker);
        long from = Files.exists(log) ? Files.size(log) : 0;
        byte[] body = new byte[MESSAGE_SIZE];
        LoadRun.Figures f = LoadRun.async(name, MESSAGE_SIZE, length, 64, LoadRun.classicAsync(producer, topic, body));
        List<Double> pauses = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(log);
        for (String line : new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
            StandardCharsets.UTF_8).lines().toList()) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                pauses.add(Double.parseDouble(m.group(1)));
            }
        }
        return new GcRun(f, pauses);
    }

    /** The GC log file named in the broker's own command line (-Xlog:...:file=...). */
    private static Path gcLog(RocketMQServer broker) throws IOException {
        for (String arg : Files.readString(Path.of("/proc", Long.toString(broker.pid()), "cmdline")).split("\0")) {
            if (arg.startsWith("-Xlog:gc")) {
                String file = arg.substring(arg.indexOf("file=") + 5);
                return Path.of(file.substring(0, file.indexOf(':')));
            }
        }
        throw new IllegalStateException(broker + " has no GC log");
    }

    private static Memory memory(RocketMQServer broker) {
        Map<String, Long> kb = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(broker.pid()), "status"))) {
                if (line.startsWith("VmRSS:") || line.startsWith("RssAnon:") || line.startsWith("RssFile:") || line.startsWith("RssShmem:")) {
                    kb.put(line.substring(0, line.indexOf(':')), Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException notLinux) {
            return new Memory(-1, -1, -1, -1);
        }
        return new Memory(kb.getOrDefault("VmRSS", -1024L) / 1024, kb.getOrDefault("RssAnon", -1024L) / 1024,
            kb.getOrDefault("RssFile", -1024L) / 1024, kb.getOrDefault("RssShmem", -1024L) / 1024);
    }
}
