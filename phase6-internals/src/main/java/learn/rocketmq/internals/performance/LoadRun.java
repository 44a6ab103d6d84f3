package learn.rocketmq.internals.performance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import learn.rocketmq.stack.RocketMQCluster;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * What the benchmark lessons share: one timed load run, its throughput and its latency
 * percentiles (an HdrHistogram of microseconds, so that p99.9 is a measured value, not an
 * average's guess). A run sends for a fixed time, not a fixed count: a fast setting and a slow
 * one are then measured over the same stretch of this (noisy) machine's time.
 */
public final class LoadRun {

    private LoadRun() {
    }

    /**
     * The cluster the benchmark lessons measure: a NameServer, a broker and a proxy, with an
     * installation's JVM options (G1, full JIT, 1 GB heap), not the quick-start ones of the other
     * lessons' servers (C1 only, Serial GC), which would measure a JIT that never warms up.
     */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").proxy().jvmOptions(RocketMQCluster.INSTALLATION_JVM_OPTIONS);
    }

    /** One run's figures. {@code messages}: acknowledged; {@code failed}: sends that threw or came back not OK. */
    public record Figures(String name, int messageSize, long messages, long failed, double seconds, Histogram latencyMicros) {

        public double perSecond() {
            return messages / seconds;
        }

        public double megabytesPerSecond() {
            return messages * (double) messageSize / seconds / (1024 * 1024);
        }

        /** A latency percentile in milliseconds (of one send call: a message, a batch, or an async send to its callback). */
        public double millis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        public String csvRow() {
            return String.format(java.util.Locale.ROOT, "%s,%d,%d,%d,%.3f,%.1f,%.2f,%.3f,%.3f,%.3f,%.3f", name, messageSize, messages,
                failed, seconds, perSecond(), megabytesPerSecond(), millis(50), millis(99), millis(99.9), millis(100));
        }

        public static final String CSV_HEADER = "run,message_bytes,messages,failed,seconds,messages_per_s,mb_per_s,p50_ms,p99_ms,p999_ms,max_ms";

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%-34s %6d B %9.0f msg/s %7.2f MB/s  p50 %7.3f  p99 %7.3f  p99.9 %7.3f ms%s",
                name, messageSize, perSecond(), megabytesPerSecond(), millis(50), millis(99), millis(99.9),
                failed > 0 ? "  (" + failed + " failed)" : "");
        }
    }

    /** One blocking send call: sends one message or a batch and returns how many were acknowledged. */
    @FunctionalInterface
    public interface BlockingSend {
        int send() throws Exception;
    }

    /** One asynchronous send: calls {@code done} once, from any thread, with how many were acknowledged (0: failed). */
    @FunctionalInterface
    public interface AsyncSend {
        void send(java.util.function.IntConsumer done) throws Exception;
    }

    /**
     * A classic producer's async send of a new message of {@code body} to {@code topic} per call:
     * 1 on SEND_OK, 0 otherwise. The first failure of the run (one per call of this method) is printed.
     */
    public static AsyncSend classicAsync(DefaultMQProducer producer, String topic, byte[] body) {
        AtomicBoolean failedOnce = new AtomicBoolean();
        return done -> producer.send(new Message(topic, body), new SendCallback() {
            @Override
            public void onSuccess(SendResult r) {
                done.accept(r.getSendStatus() == SendStatus.SEND_OK ? 1 : 0);
            }

            @Override
            public void onException(Throwable e) {
                if (failedOnce.compareAndSet(false, true)) {
                    System.out.println("   first failed send of this run: " + e);
                }
                done.accept(0);
            }
        });
    }

    /** {@code threads} threads calling {@code send} back to back for {@code length}. */
    public static Figures blocking(String name, int messageSize, Duration length, int threads, int perCall, BlockingSend send)
        throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread sender = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        int ok = send.send();
                        acknowledged.addAndGet(ok);
                        failed.addAndGet(perCall - ok);
                    } catch (Exception e) {
                        failed.addAndGet(perCall);
                    }
                    latency.recordValue(Math.min((System.nanoTime() - t0) / 1000, TimeUnit.SECONDS.toMicros(60)));
                }
            }, name + "-" + t);
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        return new Figures(name, messageSize, acknowledged.get(), failed.get(), (System.nanoTime() - start) / 1e9, latency);
    }

    /** One thread starting async sends for {@code length}, at most {@code window} unanswered at a time; waits for the last answers. */
    public static Figures async(String name, int messageSize, Duration length, int window, AsyncSend send) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Semaphore inFlight = new Semaphore(window);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long t0 = System.nanoTime();
            try {
                send.send(ok -> {
                    latency.recordValue(Math.min((System.nanoTime() - t0) / 1000, TimeUnit.SECONDS.toMicros(60)));
                    if (ok > 0) {
                        acknowledged.addAndGet(ok);
                    } else {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                });
            } catch (Exception e) {
                failed.incrementAndGet();
                inFlight.release();
            }
        }
        if (!inFlight.tryAcquire(window, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": async sends still unanswered 60 s after the run");
        }
        return new Figures(name, messageSize, acknowledged.get(), failed.get(), (System.nanoTime() - start) / 1e9, latency);
    }
}
