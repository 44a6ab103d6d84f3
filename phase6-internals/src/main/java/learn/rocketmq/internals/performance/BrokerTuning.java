package learn.rocketmq.internals.performance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Broker tuning, measured: flush mode against the disk's own fsync rate, and the send thread
 * pool with its commit log lock, each broker beside a default one, at 1, 4 and 16 sending threads.
 * Roadmap: 6.2 Performance Optimization: Broker performance tuning.
 *
 * <p>Five brokers of one cluster, alike but for one setting each, every one with its own topic:
 * the default ({@code ASYNC_FLUSH}, {@code sendMessageThreadPoolNums} = min(cores, 4), a
 * reentrant lock around the commit log append); {@code SYNC_FLUSH} (SEND_OK after the data is
 * forced to the disk: the group commit service forces once for all the sends waiting, so more
 * senders share each fsync); one send thread with a spin lock ({@code useReentrantLockWhenPutMessage
 * =false}: the old advice, no lock hand-off between threads); eight send threads; one Netty
 * worker thread ({@code serverWorkerThreads}, default 8: they run the request pipeline before the
 * send pool; one selector thread per port does the socket I/O). A setting that
 * a broker reads at start cannot be changed on a running one, hence a broker each. The lab also
 * measures the disk: how many 4 KB write + fsync pairs it does per second, the ceiling of a
 * one-at-a-time SYNC_FLUSH sender. Run it: {@code ./lesson BrokerTuning} ({@code --quick}: seconds).
 */
public class BrokerTuning {

    public static final int MESSAGE_SIZE = 1024;
    public static final List<Integer> CONCURRENCY = List.of(1, 4, 16);
    /** Broker group, its one different setting(s), and how the lesson names it. */
    public static final Map<String, Map<String, String>> BROKERS = brokers();

    private static Map<String, Map<String, String>> brokers() {
        Map<String, Map<String, String>> b = new LinkedHashMap<>();
        b.put("broker-default", Map.of());
        b.put("broker-sync-flush", Map.of("flushDiskType", "SYNC_FLUSH"));
        b.put("broker-1-thread-spin-lock", Map.of("sendMessageThreadPoolNums", "1", "useReentrantLockWhenPutMessage", "false"));
        b.put("broker-8-threads", Map.of("sendMessageThreadPoolNums", "8"));
        b.put("broker-1-netty-worker", Map.of("serverWorkerThreads", "1"));
        return b;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonBrokerTuning", quick ? Duration.ofMillis(300) : Duration.ofSeconds(3), Path.of("target", "benchmark"));
            System.out.printf("Done: the disk did %.0f fsyncs/s; SYNC_FLUSH from one thread x%.2f of the default broker, from 16 x%.2f.%n",
                r.fsyncsPerSecond(), r.ratio("broker-sync-flush", 1), r.ratio("broker-sync-flush", 16));
        }
    }

    /** A NameServer and the five brokers, with an installation's JVM options. */
    public static RocketMQCluster.Topology topology() {
        RocketMQCluster.Topology t = RocketMQCluster.topology().jvmOptions(RocketMQCluster.INSTALLATION_JVM_OPTIONS);
        BROKERS.forEach((group, settings) -> {
            t.brokerGroup(group);
            settings.forEach((k, v) -> t.set(group, k, v));
        });
        return t;
    }

    /**
     * Each broker's run at each concurrency (key: broker group, then threads), and the settings
     * each broker reports (flushDiskType, sendMessageThreadPoolNums, useReentrantLockWhenPutMessage, serverWorkerThreads).
     */
    public record Result(double fsyncsPerSecond, Map<String, Map<Integer, LoadRun.Figures>> runs,
                         Map<String, LoadRun.Figures> baselines, Map<String, Long> acknowledged,
                         Map<String, Long> failed, Map<String, Long> stored, Map<String, Map<String, String>> reported,
                         List<Path> files) {
        // runs: broker -> threads -> run (for broker-default: its first run at that concurrency);
        // baselines: "broker/threads" -> the default broker's run right before that broker's.
        /** A broker's throughput as a ratio of the default broker's run just before it, at the same concurrency. */
        public double ratio(String broker, int threads) {
            return runs.get(broker).get(threads).perSecond() / baselines.get(broker + "/" + threads).perSecond();
        }
    }

    public static Result run(RocketMQCluster cluster, String topic, Duration length, Path out) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        byte[] body = new byte[MESSAGE_SIZE];
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // 1. A topic on each broker alone, and each broker's flush mode as it reports it.
            Map<String, Map<String, String>> reported = new LinkedHashMap<>();
            Map<String, DefaultMQProducer> producers = new LinkedHashMap<>();
            for (String group : BROKERS.keySet()) {
                RocketMQServer broker = cluster.master(group);
                admin.createTopicOn(List.of(broker.address()), topic + "-" + group, TopicMessageType.NORMAL, 8);
                java.util.Properties config = admin.api().getBrokerConfig(broker.address());
                Map<String, String> settings = new LinkedHashMap<>();
                for (String key : List.of("flushDiskType", "sendMessageThreadPoolNums", "useReentrantLockWhenPutMessage",
                    "serverWorkerThreads")) {
                    settings.put(key, config.getProperty(key));
                }
                reported.put(group, settings);
                DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-" + group + "-producer"), rocketmq);
                producer.setInstanceName(producer.getProducerGroup());
                producer.start();
                producers.put(group, producer);
            }
            reported.forEach((group, settings) -> System.out.printf("1. %s: %s%n", group, settings));

            // 2. The disk: 4 KB written and forced, one after the other, in the store's file system.
            double fsyncs = fsyncsPerSecond(cluster.master("broker-default").storeDir(), length.multipliedBy(2));
            System.out.printf("2. The store's disk: %.0f write + fsync pairs per second (%.3f ms each)%n", fsyncs, 1000 / fsyncs);

            // 3. At each concurrency, each broker right after a run on the default one.
            Map<String, Map<Integer, LoadRun.Figures>> runs = new LinkedHashMap<>();
            Map<String, Long> acknowledged = new LinkedHashMap<>();
            Map<String, Long> failed = new LinkedHashMap<>();
            Map<String, LoadRun.Figures> baselines = new LinkedHashMap<>();
            try {
                for (String group : BROKERS.keySet()) { // warm-up: each broker's JIT, each producer's route
                    LoadRun.Figures w = send("warm-up " + group, producers.get(group), topic + "-" + group, body, length, 8);
                    acknowledged.merge(group, w.messages(), Long::sum);
                    failed.merge(group, w.failed(), Long::sum);
                }
                for (int threads : CONCURRENCY) {
                    System.out.printf("3. %d sending thread(s), each broker right after a run on the default one:%n", threads);
                    for (String group : BROKERS.keySet()) {
                        if (group.equals("broker-default")) {
                            continue;
                        }
                        LoadRun.Figures baseline = send("broker-default, " + threads + " threads", producers.get("broker-default"),
                            topic + "-broker-default", body, length, threads);
                        LoadRun.Figures f = send(group + ", " + threads + " threads", producers.get(group), topic + "-" + group, body, length,
                            threads);
                        runs.computeIfAbsent("broker-default", g -> new LinkedHashMap<>()).merge(threads, baseline, (a, b) -> a);
                        baselines.put(group + "/" + threads, baseline);
                        runs.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(threads, f);
                        for (LoadRun.Figures run : List.of(baseline, f)) {
                            String broker = run == baseline ? "broker-default" : group;
                            acknowledged.merge(broker, run.messages(), Long::sum);
                            failed.merge(broker, run.failed(), Long::sum);
                        }
                        System.out.printf("   %s%n   %s   x%.2f%n", baseline, f, f.perSecond() / baseline.perSecond());
                    }
                }
            } finally {
                producers.values().forEach(DefaultMQProducer::shutdown);
            }
            System.out.printf("   SYNC_FLUSH from one thread: %.0f msg/s = x%.2f the disk's fsync rate; from 16 threads x%.2f%n",
                runs.get("broker-sync-flush").get(1).perSecond(), runs.get("broker-sync-flush").get(1).perSecond() / fsyncs,
                runs.get("broker-sync-flush").get(16).perSecond() / fsyncs);

            // 4. Every acknowledged message stored, on its broker.
            Map<String, Long> stored = new LinkedHashMap<>();
            for (String group : BROKERS.keySet()) {
                stored.put(group, admin.storedMessages(topic + "-" + group));
            }
            System.out.printf("4. Acknowledged %s, failed %s, stored %s%n", acknowledged, failed, stored);

            List<LoadRun.Figures> all = new ArrayList<>();
            Map<String, Map<String, Double>> chart = new LinkedHashMap<>();
            for (int threads : CONCURRENCY) {
                Map<String, Double> bars = new LinkedHashMap<>();
                for (String group : BROKERS.keySet()) {
                    if (!group.equals("broker-default")) {
                        LoadRun.Figures baseline = baselines.get(group + "/" + threads);
                        all.add(baseline);
                        all.add(runs.get(group).get(threads));
                        bars.put(group.substring("broker-".length()), runs.get(group).get(threads).perSecond() / baseline.perSecond());
                    }
                }
                chart.put(threads + " sending threads", bars);
            }
            List<Path> files = List.of(Report.csv(out, "broker-tuning", all), Report.groupedBarChart(out, "broker-tuning-ratios",
                "Broker settings: throughput x the default broker's, same concurrency", "throughput / default broker", chart));
            System.out.printf("5. Wrote %s%n", files);
            return new Result(fsyncs, runs, baselines, acknowledged, failed, stored, reported, files);
        }
    }

    private static LoadRun.Figures send(String name, DefaultMQProducer producer, String topic, byte[] body, Duration length, int threads)
        throws InterruptedException {
        return LoadRun.blocking(name, body.length, length, threads, 1, () -> {
            SendResult r = producer.send(new Message(topic, body));
            return r.getSendStatus() == SendStatus.SEND_OK ? 1 : 0;
        });
    }

    /** Appends 4 KB and forces it to the disk, again and again, for {@code length}: what one fsync costs here. */
    private static double fsyncsPerSecond(Path dir, Duration length) throws IOException {
        Path file = dir.resolve("fsync-probe");
        long count = 0;
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            while (System.nanoTime() - start < length.toNanos()) {
                block.clear();
                channel.write(block, count * 4096);
                channel.force(false);
                count++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
