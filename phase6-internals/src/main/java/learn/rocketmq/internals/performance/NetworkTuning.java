package learn.rocketmq.internals.performance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Network tuning, measured where this machine can measure it: TLS against plaintext, the
 * client's Netty worker threads, and how many bytes compression takes off the wire; and what a
 * real link would change, worked out from the measured latency (loopback has no link to measure).
 * Roadmap: 6.2 Performance Optimization: Network optimization.
 *
 * <p>The lab's broker accepts TLS and plaintext on the same port (as a default installation,
 * {@code tls.server.mode=permissive}); a classic client picks with {@code setUseTLS(true)}. TLS
 * costs a handshake per connection (once: clients keep their connections) and encryption per
 * byte, on both sides' CPU. The client's {@code clientWorkerThreads} (4) run Netty's handlers;
 * its one selector thread does the I/O. On loopback a round trip costs microseconds, so every
 * figure here is CPU, not network: on a real link each synchronous send also waits the round
 * trip, which is why a link with latency rewards async windows and batches even more than
 * {@link ProducerTuning} shows. Run it: {@code ./lesson NetworkTuning} ({@code --quick}: seconds).
 */
public class NetworkTuning {

    public static final int MESSAGE_SIZE = 1024;

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, LoadRun.topology())) {
            Result r = run(cluster, "LessonNetworkTuning", quick ? Duration.ofMillis(300) : Duration.ofSeconds(3), Path.of("target", "benchmark"));
            r.comparisons().forEach(c -> System.out.printf("Done: %-40s x%.2f%n", c.tuning(), c.ratio()));
        }
    }

    public record Comparison(String tuning, LoadRun.Figures baseline, LoadRun.Figures tuned) {
        public double ratio() {
            return tuned.perSecond() / baseline.perSecond();
        }
    }

    /**
     * The comparisons; a 16 KB text body's size on the wire compressed; and, from the measured
     * sync p50, what one sync sender could do over links of 0.1, 0.5 and 2 ms round trip (worked out).
     */
    public record Result(byte[] plainFirstBytes, byte[] tlsFirstBytes, List<Comparison> comparisons, int textBytes, int compressedBytes, Map<Double, Double> syncSenderOverLink,
                         long acknowledged, long connectSends, long failed, long stored, List<Path> files) {
    }

    public static Result run(RocketMQCluster cluster, String topic, Duration length, Path out) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        byte[] body = new byte[MESSAGE_SIZE];
        List<Comparison> comparisons = new ArrayList<>();
        List<LoadRun.Figures> all = new ArrayList<>();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 8);
            // 0. What a client puts on the wire: the first bytes it sends to a server (here a bare socket posing as a NameServer).
            byte[] plainBytes = firstBytesSent(false);
            byte[] tlsBytes = firstBytesSent(true);
            System.out.printf("0. First bytes a client sends: plaintext %s (a RocketMQ frame: its length first), TLS %s"
                + " (0x16 0x03: a TLS handshake record, the ClientHello)%n", hex(plainBytes), hex(tlsBytes));
            all.add(async("warm-up", rocketmq, topic, body, length.multipliedBy(3), 256, p -> { }));
            // 1. TLS against plaintext, per request (8 sync threads) and in bulk (an async window of 256).
            System.out.println("1. Plaintext, then TLS (the same port), each right after the other:");
            comparisons.add(compare(all, "TLS, 8 sync threads", sync("plaintext, 8 sync threads", rocketmq, topic, body, length, 8, p -> { }),
                sync("TLS, 8 sync threads", rocketmq, topic, body, length, 8, p -> p.setUseTLS(true))));
            comparisons.add(compare(all, "TLS, async window 256", async("plaintext, async window 256", rocketmq, topic, body, length, 256,
                p -> { }), async("TLS, async window 256", rocketmq, topic, body, length, 256, p -> p.setUseTLS(true))));
            // 2. The client's callback threads (they run SendCallbacks and the responses' handling): 1 against the default, one per core.
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf("2. clientCallbackExecutorThreads %d (default: one per core), then 1:%n", cores);
            comparisons.add(compare(all, "1 callback thread, async window 256", async(cores + " callback threads, async window 256",
                rocketmq, topic, body, length, 256, p -> { }), async("1 callback thread, async window 256", rocketmq, topic, body,
                length, 256, p -> p.setClientCallbackExecutorThreads(1))));

            // 3. Bytes on the wire: the classic producer compresses bodies over 4 KB (zlib, level 5).
            byte[] text = "an order line, compressible as logs and JSON are; ".repeat(330).substring(0, 16 * 1024)
                .getBytes(StandardCharsets.UTF_8);
            int compressed = UtilAll.compress(text, 5).length;
            System.out.printf("3. A 16 KB text body goes on the wire as %d bytes compressed (x%.3f); random bytes would not shrink%n",
                compressed, compressed / (double) text.length);

            // 4. A real link: one sync sender waits a round trip more per send (worked out, not measured).
            LoadRun.Figures single = sync("plaintext, 1 sync thread", rocketmq, topic, body, length, 1, p -> { });
            all.add(single);
            double p50 = single.millis(50);
            Map<Double, Double> overLink = new LinkedHashMap<>();
            for (double rtt : List.of(0.1, 0.5, 2.0)) {
                overLink.put(rtt, 1000 / (p50 + rtt));
            }
            System.out.printf("4. One sync sender on loopback: p50 %.3f ms. One sync sender over a link (p50 + round trip): %s msg/s"
                + " by round trip in ms; an async window or a batch keeps many sends in one round trip%n", p50, round(overLink));

            long acknowledged = all.stream().mapToLong(LoadRun.Figures::messages).sum();
            long failed = all.stream().mapToLong(LoadRun.Figures::failed).sum();
            long stored = admin.storedMessages(topic);
            System.out.printf("5. %d acknowledged (and %d sends to connect), %d failed, %d stored%n", acknowledged, all.size(), failed,
                stored);
            Map<String, Double> ratios = new LinkedHashMap<>();
            comparisons.forEach(c -> ratios.put(c.tuning(), c.ratio()));
            List<Path> files = List.of(Report.csv(out, "network-tuning", all), Report.barChart(out, "network-tuning-ratios",
                "Network settings: throughput x the baseline (same run)", "throughput / baseline", ratios));
            System.out.printf("6. Wrote %s%n", files);
            // Each run's producer sent one message before its clock started (to connect): all.size() of them.
            return new Result(plainBytes, tlsBytes, comparisons, text.length, compressed, overLink, acknowledged, all.size(), failed, stored,
                files);
        }
    }

    /** The first bytes a classic client sends to its NameServer, with or without TLS: a socket listens in the NameServer's place. */
    private static byte[] firstBytesSent(boolean tls) throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            DefaultMQProducer producer = new DefaultMQProducer("first-bytes-" + System.nanoTime());
            producer.setNamesrvAddr("127.0.0.1:" + server.getLocalPort());
            producer.setInstanceName(producer.getProducerGroup());
            producer.setUseTLS(tls);
            producer.start();
            try {
                Thread ask = new Thread(() -> {
                    try {
                        producer.fetchPublishMessageQueues("any-topic"); // a route request: it will time out, unanswered
                    } catch (Exception expected) {
                        // nobody answers
                    }
                });
                ask.setDaemon(true);
                ask.start();
                try (java.net.Socket client = server.accept()) {
                    client.setSoTimeout(10_000);
                    return client.getInputStream().readNBytes(6);
                }
            } finally {
                producer.shutdown();
            }
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x ", b));
        }
        return s.toString().trim();
    }

    private static Map<Double, Long> round(Map<Double, Double> m) {
        Map<Double, Long> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, Math.round(v)));
        return r;
    }

    private static Comparison compare(List<LoadRun.Figures> all, String tuning, LoadRun.Figures baseline, LoadRun.Figures tuned) {
        all.add(baseline);
        all.add(tuned);
        Comparison c = new Comparison(tuning, baseline, tuned);
        System.out.printf("   %s%n   %s   x%.2f%n", baseline, tuned, c.ratio());
        return c;
    }

    private static DefaultMQProducer producer(RocketMQ rocketmq, String topic, Consumer<DefaultMQProducer> settings) throws Exception {
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer-" + System.nanoTime()), rocketmq);
        producer.setInstanceName(producer.getProducerGroup()); // a client instance, and connections, of its own
        settings.accept(producer);
        producer.start();
        return producer;
    }

    private static LoadRun.Figures sync(String name, RocketMQ rocketmq, String topic, byte[] body, Duration length, int threads,
                                        Consumer<DefaultMQProducer> settings) throws Exception {
        DefaultMQProducer producer = producer(rocketmq, topic, settings);
        try {
            producer.send(new Message(topic, body)); // connect (and the TLS handshake) before the clock starts
            return LoadRun.blocking(name, body.length, length, threads, 1,
                () -> producer.send(new Message(topic, body)).getSendStatus() == SendStatus.SEND_OK ? 1 : 0);
        } finally {
            producer.shutdown();
        }
    }

    private static LoadRun.Figures async(String name, RocketMQ rocketmq, String topic, byte[] body, Duration length, int window,
                                         Consumer<DefaultMQProducer> settings) throws Exception {
        DefaultMQProducer producer = producer(rocketmq, topic, settings);
        try {
            producer.send(new Message(topic, body));
            return LoadRun.async(name, body.length, length, window, LoadRun.classicAsync(producer, topic, body));
        } finally {
            producer.shutdown();
        }
    }
}
