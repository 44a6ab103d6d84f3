package learn.rocketmq.production.broker;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * {@code flushDiskType}: when a SEND_OK means "on disk". Two masters side by side, broker-a with
 * the default ASYNC_FLUSH, broker-b with SYNC_FLUSH; the same sends to each, timed, next to the
 * fsync rate of the disk they share.
 * Roadmap: 5.1 Broker Configuration: Storage configuration.
 *
 * <p>Every broker writes a message into the page cache (the commit log is memory-mapped) and
 * answers. With ASYNC_FLUSH a background thread flushes it later (every 500 ms once 4 pages are
 * dirty, everything every 10 s): a crashed <em>process</em> loses nothing (the page cache is the
 * kernel's), a lost <em>machine</em> loses what was not flushed yet. With SYNC_FLUSH the broker
 * answers only after an fsync covered the message (waiting up to {@code syncFlushTimeout}, else
 * FLUSH_DISK_TIMEOUT); concurrent sends share one fsync (group commit). What the broker has not
 * flushed yet it reports as {@code remainHowManyDataToFlush} (mqadmin brokerStatus), read here after
 * each of 20 more sends (not after the timed ones: a stats report costs the broker far more than a send). Most production clusters keep ASYNC_FLUSH and get durability from a synchronous slave
 * (see ReplicationLoss). Run it: {@code ./lesson FlushModes}.
 */
public class FlushModes {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonFlushModes", 200);
            System.out.printf("Done: SYNC_FLUSH p50 %.2f ms vs ASYNC_FLUSH %.2f ms (x%.2f); one fsync here takes %.2f ms.%n",
                r.sync().p50Millis(), r.async().p50Millis(), r.sync().p50Millis() / r.async().p50Millis(), r.fsyncMillis());
        }
    }

    /** broker-a: ASYNC_FLUSH (the default); broker-b: SYNC_FLUSH. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").brokerGroup("broker-b").set("broker-b", "flushDiskType", "SYNC_FLUSH");
    }

    /** Sends to one broker: latency percentiles, throughput, and what it had not flushed right after each SEND_OK. */
    public record Sends(String flushDiskType, double p50Millis, double p99Millis, double perSecond, int unflushedAfterAck,
                        String mostUnflushed) {
    }

    public record Result(double fsyncMillis, Sends async, Sends sync) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int count) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        // 1. The disk: how long one small write + fsync takes, in the brokers' own store directory.
        double fsyncMillis = fsyncMillis(cluster.master("broker-b").storeDir());
        System.out.printf("1. This disk: one 1 KB write + fsync takes %.2f ms (%.0f per second)%n", fsyncMillis, 1000 / fsyncMillis);

        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer("flush-modes-producer"), rocketmq);
        producer.start();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopicOn(List.of(cluster.master("broker-a").address()), topic + "-async", TopicMessageType.NORMAL, 4);
            admin.createTopicOn(List.of(cluster.master("broker-b").address()), topic + "-sync", TopicMessageType.NORMAL, 4);
            // Warm up both first (routes, connections, the JIT of client and brokers), then send to
            // them in turns: whichever went first would otherwise look slower.
            for (int i = 0; i < 100; i++) {
                producer.send(new Message(topic + "-async", new byte[1024]));
                producer.send(new Message(topic + "-sync", new byte[1024]));
            }
            List<Sends> both = sends(admin, producer, List.of(cluster.master("broker-a"), cluster.master("broker-b")),
                List.of(topic + "-async", topic + "-sync"), List.of("ASYNC_FLUSH", "SYNC_FLUSH"), count);
            Sends async = both.get(0);
            Sends sync = both.get(1);
            for (Sends s : List.of(async, sync)) {
                System.out.printf("2. %-11s %d sends of 1 KB, one at a time: p50 %.2f ms, p99 %.2f ms, %.0f/s; unflushed right after"
                    + " SEND_OK: %d of %d times (at most %s)%n", s.flushDiskType(), count, s.p50Millis(), s.p99Millis(), s.perSecond(),
                    s.unflushedAfterAck(), CHECKED, s.mostUnflushed());
            }
            System.out.printf("3. SYNC_FLUSH: x%.2f the p50 latency of ASYNC_FLUSH (%+.2f ms a send; one fsync here: %.2f ms)."
                + " ASYNC_FLUSH acknowledged bytes the disk did not have yet%n", sync.p50Millis() / async.p50Millis(),
                sync.p50Millis() - async.p50Millis(), fsyncMillis);
            return new Result(fsyncMillis, async, sync);
        } finally {
            producer.shutdown();
        }
    }

    /** How many of the sends are followed by a look at what the broker has not flushed (each look costs the broker a stats report). */
    static final int CHECKED = 20;

    /** {@code count} timed sends to each topic in turns, then CHECKED more each, each followed by a look at the broker. */
    private static List<Sends> sends(RocketMQAdmin admin, DefaultMQProducer producer, List<RocketMQServer> brokers,
                                     List<String> topics, List<String> modes, int count) throws Exception {
        byte[] body = new byte[1024];
        int n = brokers.size();
        double[][] millis = new double[n][count];
        long[] nanos = new long[n];
        for (int i = 0; i < count; i++) {
            for (int b = 0; b < n; b++) {
                long t0 = System.nanoTime();
                producer.send(new Message(topics.get(b), body));
                long took = System.nanoTime() - t0;
                nanos[b] += took;
                millis[b][i] = took / 1e6;
            }
        }
        // What each broker holds in memory only (MixAll.humanReadableByteCount: "0 B", "1.2 KiB").
        int[] unflushed = new int[n];
        String[] most = new String[n];
        Arrays.fill(most, "0 B");
        for (int i = 0; i < CHECKED; i++) {
            for (int b = 0; b < n; b++) {
                producer.send(new Message(topics.get(b), body));
                String remain = admin.api().fetchBrokerRuntimeStats(brokers.get(b).address()).getTable().get("remainHowManyDataToFlush");
                if (!remain.equals("0 B")) {
                    unflushed[b]++;
                    most[b] = bytes(remain) > bytes(most[b]) ? remain : most[b];
                }
            }
        }
        List<Sends> result = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            Arrays.sort(millis[b]);
            result.add(new Sends(modes.get(b), millis[b][count / 2], millis[b][(int) (count * 0.99)], count / (nanos[b] / 1e9),
                unflushed[b], most[b]));
        }
        return result;
    }

    /** The median time of a 1 KB write + fsync, over 1 s of them, in a file of {@code dir}. */
    static double fsyncMillis(Path dir) throws Exception {
        Path file = Files.createTempFile(dir, "fsync-", ".probe");
        List<Double> times = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(1024);
            long end = System.nanoTime() + 1_000_000_000L;
            for (long pos = 0; System.nanoTime() < end; pos += 1024) {
                long t0 = System.nanoTime();
                ch.write(block.clear(), pos);
                ch.force(false);
                times.add((System.nanoTime() - t0) / 1e6);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        times.sort(null);
        return times.get(times.size() / 2);
    }

    /** "512 B", "1.2 KiB", "3.4 MiB" in bytes (about). */
    private static double bytes(String human) {
        String[] parts = human.split(" ");
        double value = Double.parseDouble(parts[0].replace(',', '.')); // the broker formats in its locale
        return switch (parts[1]) {
            case "KiB" -> value * 1024;
            case "MiB" -> value * 1024 * 1024;
            case "GiB" -> value * 1024 * 1024 * 1024;
            default -> value;
        };
    }
}
