package learn.rocketmq.internals.performance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Producer tuning, measured: threads, the async in-flight window, batches, the compression
 * threshold, message size and 5.x async sends, each beside a baseline run in the same invocation,
 * and RocketMQ's own benchmark tool on the same broker as the anchor.
 * Roadmap: 6.2 Performance Optimization: Producer performance tuning.
 *
 * <p>A synchronous send waits a whole round trip (client, network, broker queue, commit log
 * append, answer) before the next: one thread's throughput is 1 / latency. Everything that helps
 * keeps more messages on the way at once: more sending threads, async sends (one thread, a window
 * of unanswered sends), or batches (one request, one append, many messages). The classic producer
 * compresses a body over {@code compressMsgBodyOverHowmuch} (4 KB): fewer bytes to move and store,
 * CPU on both sides. Every figure here is a ratio to a baseline measured right before it: this
 * machine is shared and noisy, an absolute number from it means little. The broker runs with the
 * JVM options of an installation (G1, full JIT), not the quick-start ones of the other lessons.
 * Run it: {@code ./lesson ProducerTuning} (about two minutes; {@code --quick}: seconds, figures
 * too short to trust). CSV and PNG charts go to {@code target/benchmark/}.
 */
public class ProducerTuning {

    public static final int MESSAGE_SIZE = 1024;
    public static final int BATCH = 32;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, LoadRun.topology())) {
            Result r = run(cluster, "LessonProducerTuning", quick ? Settings.QUICK : Settings.DEFAULT, Path.of("target", "benchmark"));
            System.out.printf("Done: the lab's best at %d B, %s, sent %.0f msg/s: x%.2f RocketMQ's benchmark tool (%d TPS).%n",
                MESSAGE_SIZE, r.best().name(), r.best().perSecond(), r.bestVsOfficial(), r.officialTps());
        }
    }

    /** How long each run sends, the warm-up before the first, and how many of the official tool's reports to wait for. */
    public record Settings(Duration run, Duration warmUp, int officialReports) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 5);
        public static final Settings QUICK = new Settings(Duration.ofMillis(300), Duration.ofMillis(500), 1);
    }

    /** A tuning and the baseline run just before it. */
    public record Comparison(String tuning, LoadRun.Figures baseline, LoadRun.Figures tuned) {
        public double ratio() {
            return tuned.perSecond() / baseline.perSecond();
        }
    }

    public record Result(List<Comparison> comparisons, List<LoadRun.Figures> sizeSweep, List<OfficialBenchmark.Report> official,
                         long officialTps, LoadRun.Figures best, double bestVsOfficial, long acknowledged, long failed, long stored,
                         List<Path> files) {
    }

    public static Result run(RocketMQCluster cluster, String topic, Settings settings, Path out) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 8);
            admin.createTopic(topic + "-official", TopicMessageType.NORMAL, 8);
            List<LoadRun.Figures> all = new ArrayList<>();
            byte[] body = randomText(MESSAGE_SIZE);
            Duration d = settings.run();

            // 1. Warm up the broker's and this JVM's JIT, then each tuning beside its baseline (sync, one thread).
            all.add(asyncRun("warm-up", rocketmq, topic, body, settings.warmUp(), 64));
            System.out.println("   " + all.get(0));
            System.out.printf("1. Each run sends for %d ms; the baseline (sync, 1 thread, %d B) runs right before each tuning%n",
                d.toMillis(), MESSAGE_SIZE);
            List<Comparison> comparisons = new ArrayList<>();
            for (String tuning : List.of("sync, 8 threads", "sync, 64 threads", "async, window 64", "async, window 512",
                "batch of 32, 1 thread", "batch of 8, 8 threads", "batch of 32, 8 threads", "batch of 128, 8 threads")) {
                LoadRun.Figures baseline = syncRun("baseline before " + tuning, rocketmq, topic, body, d, 1, 1, 4096);
                LoadRun.Figures tuned = switch (tuning) {
                    case "sync, 8 threads" -> syncRun(tuning, rocketmq, topic, body, d, 8, 1, 4096);
                    case "sync, 64 threads" -> syncRun(tuning, rocketmq, topic, body, d, 64, 1, 4096);
                    case "async, window 64" -> asyncRun(tuning, rocketmq, topic, body, d, 64);
                    case "async, window 512" -> asyncRun(tuning, rocketmq, topic, body, d, 512);
                    case "batch of 32, 1 thread" -> syncRun(tuning, rocketmq, topic, body, d, 1, BATCH, 4096);
                    // "batch of N, 8 threads": one send(Collection) of N messages per call
                    default -> syncRun(tuning, rocketmq, topic, body, d, 8, Integer.parseInt(tuning.split(" ")[2].replace(",", "")), 4096);
                };
                comparisons.add(print(new Comparison(tuning, baseline, tuned), all));
            }
            // Compression: 16 KB of text, 8 threads, compressed (the default threshold, 4 KB) or not (threshold above the size).
            byte[] text = "an order line, compressible as logs and JSON are; ".repeat(330).substring(0, 16 * 1024)
                .getBytes(StandardCharsets.UTF_8);
            LoadRun.Figures compressed = syncRun("16 KB text, compressed (default)", rocketmq, topic, text, d, 8, 1, 4096);
            LoadRun.Figures plain = syncRun("16 KB text, not compressed", rocketmq, topic, text, d, 8, 1, 64 * 1024);
            comparisons.add(print(new Comparison("16 KB text, no compression", compressed, plain), all));
            // 5.x (gRPC, through the proxy): sync sends from one thread, then sendAsync with a window of 64.
            try (Producer grpc = ClientServiceProvider.loadService().newProducerBuilder()
                .setClientConfiguration(Clients.configuration(rocketmq)).setTopics(topic).build()) {
                org.apache.rocketmq.client.apis.message.Message m = ClientServiceProvider.loadService().newMessageBuilder()
                    .setTopic(topic).setBody(body).build();
                all.add(LoadRun.async("5.x warm-up", MESSAGE_SIZE, settings.warmUp(), 64,
                    done -> grpc.sendAsync(m).whenComplete((receipt, e) -> done.accept(e == null ? 1 : 0))));
                System.out.println("   " + all.get(all.size() - 1));
                LoadRun.Figures grpcSync = LoadRun.blocking("5.x sync, 1 thread", MESSAGE_SIZE, d, 1, 1, () -> {
                    grpc.send(m);
                    return 1;
                });
                LoadRun.Figures grpcAsync = LoadRun.async("5.x sendAsync, window 64", MESSAGE_SIZE, d, 64,
                    done -> grpc.sendAsync(m).whenComplete((receipt, e) -> done.accept(e == null ? 1 : 0)));
                comparisons.add(print(new Comparison("5.x sendAsync, window 64", grpcSync, grpcAsync), all));
            }

            // 2. Message size: 8 sync threads, no compression, 128 B to 64 KB.
            List<LoadRun.Figures> sizes = new ArrayList<>();
            for (int size : List.of(128, 1024, 4096, 16 * 1024, 64 * 1024)) {
                LoadRun.Figures f = syncRun("size " + size + " B, 8 threads", rocketmq, topic, randomText(size), d, 8, 1, 1024 * 1024);
                sizes.add(f);
                all.add(f);
            }
            System.out.println("2. Message size (8 sync threads, no compression):");
            sizes.forEach(f -> System.out.println("   " + f));

            // 3. The anchor: RocketMQ's benchmark tool, 64 sync threads, same message size, same broker.
            List<OfficialBenchmark.Report> official = OfficialBenchmark.run(rocketmq.nameServer(), topic + "-official", MESSAGE_SIZE, 64,
                settings.officialReports(), out.resolve("work"));
            long officialTps = official.stream().mapToLong(OfficialBenchmark.Report::tps).max().orElseThrow();
            LoadRun.Figures best = all.stream().filter(f -> f.messageSize() == MESSAGE_SIZE && !f.name().contains("warm-up"))
                .max(Comparator.comparingDouble(LoadRun.Figures::perSecond)).orElseThrow();
            System.out.printf("3. RocketMQ's benchmark producer (-w 64 -s %d): %s%n   best of its %d report(s): %d TPS;"
                    + " the lab's best at %d B (%s): %.0f msg/s = x%.2f%n", MESSAGE_SIZE, official.get(official.size() - 1).line(),
                official.size(), officialTps, MESSAGE_SIZE, best.name(), best.perSecond(), best.perSecond() / officialTps);

            // 4. Every acknowledged message is stored (a timed-out send may be stored too).
            long acknowledged = all.stream().mapToLong(LoadRun.Figures::messages).sum();
            long failed = all.stream().mapToLong(LoadRun.Figures::failed).sum();
            long stored = admin.storedMessages(topic);
            System.out.printf("4. %d messages acknowledged, %d sends failed; the broker stores %d in %s%n", acknowledged, failed, stored,
                topic);

            List<Path> files = new ArrayList<>();
            files.add(Report.csv(out, "producer-tuning", all));
            Map<String, Double> ratios = new LinkedHashMap<>();
            comparisons.forEach(c -> ratios.put(c.tuning(), c.ratio()));
            files.add(Report.barChart(out, "producer-tuning-ratios", "Producer throughput, x its baseline (same run)",
                "throughput / baseline", ratios));
            Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
            for (Comparison c : comparisons) {
                latency.put(c.tuning(), percentiles(c.tuned()));
            }
            files.add(Report.groupedBarChart(out, "producer-tuning-latency", "Send latency (ms): one call, a batch, or to the callback",
                "ms", latency));
            Map<String, Map<String, Double>> bySize = new LinkedHashMap<>();
            for (LoadRun.Figures f : sizes) {
                Map<String, Double> bars = new LinkedHashMap<>();
                bars.put("MB/s", f.megabytesPerSecond());
                bars.put("thousand msg/s", f.perSecond() / 1000);
                bySize.put(f.messageSize() + " B", bars);
            }
            files.add(Report.groupedBarChart(out, "producer-message-size", "Message size: 8 sync threads", "per second", bySize));
            Map<String, Double> anchor = new LinkedHashMap<>();
            anchor.put("RocketMQ benchmark tool, 64 threads", (double) officialTps);
            anchor.put("lab baseline, sync 1 thread", comparisons.get(0).baseline().perSecond());
            anchor.put("lab best: " + best.name(), best.perSecond());
            files.add(Report.barChart(out, "producer-vs-official-tool", "Messages/s at " + MESSAGE_SIZE + " B, same broker, same run",
                "messages / s", anchor));
            System.out.printf("5. Wrote %s%n", files);
            return new Result(comparisons, sizes, official, officialTps, best, best.perSecond() / officialTps, acknowledged, failed,
                stored, files);
        }
    }

    private static Map<String, Double> percentiles(LoadRun.Figures f) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("p50", f.millis(50));
        p.put("p99", f.millis(99));
        p.put("p99.9", f.millis(99.9));
        return p;
    }

    private static Comparison print(Comparison c, List<LoadRun.Figures> all) {
        all.add(c.baseline());
        all.add(c.tuned());
        System.out.printf("   %s%n   %s   x%.2f%n", c.baseline(), c.tuned(), c.ratio());
        return c;
    }

    /** {@code threads} threads sending {@code batch} messages per call (1: a plain send) for {@code length}. */
    private static LoadRun.Figures syncRun(String name, RocketMQ rocketmq, String topic, byte[] body, Duration length, int threads,
                                           int batch, int compressOver) throws Exception {
        DefaultMQProducer producer = producer(rocketmq, topic, compressOver);
        try {
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                messages.add(new Message(topic, body));
            }
            return LoadRun.blocking(name, body.length, length, threads, batch, () -> {
                SendResult r = batch == 1 ? producer.send(new Message(topic, body)) : producer.send(messages);
                return r.getSendStatus() == SendStatus.SEND_OK ? batch : 0;
            });
        } finally {
            producer.shutdown();
        }
    }

    /** One thread's async sends, at most {@code window} unanswered, for {@code length}. */
    private static LoadRun.Figures asyncRun(String name, RocketMQ rocketmq, String topic, byte[] body, Duration length, int window)
        throws Exception {
        DefaultMQProducer producer = producer(rocketmq, topic, 4096);
        try {
            return LoadRun.async(name, body.length, length, window, LoadRun.classicAsync(producer, topic, body));
        } finally {
            producer.shutdown();
        }
    }

    private static DefaultMQProducer producer(RocketMQ rocketmq, String topic, int compressOver) throws Exception {
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer-" + System.nanoTime()), rocketmq);
        producer.setCompressMsgBodyOverHowmuch(compressOver);
        producer.setInstanceName(producer.getProducerGroup()); // a client instance of its own: its own connection
        producer.start();
        return producer;
    }

    /** Random letters and digits, as the official tool's bodies. */
    private static byte[] randomText(int size) {
        Random random = new Random(size);
        byte[] b = new byte[size];
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < size; i++) {
            b[i] = (byte) chars.charAt(random.nextInt(chars.length()));
        }
        return b;
    }
}
