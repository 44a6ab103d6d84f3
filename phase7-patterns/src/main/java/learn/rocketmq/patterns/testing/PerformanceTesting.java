package learn.rocketmq.patterns.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Performance testing against a latency budget, and the mistake that makes most load tests lie:
 * coordinated omission.
 * Roadmap: 7.3 Testing: Performance testing.
 *
 * <p>A load test sends at the rate production will see and checks latency percentiles against a
 * budget ("p99 under 100 ms at 200 messages a second"), with an HdrHistogram so that p99.9 is
 * measured, not guessed. How it measures decides what it sees. The usual loop (send, wait for the
 * answer, send the next) times each send from when it started: when the broker stalls, the loop
 * stalls with it and sends nothing, so the stall costs one slow sample, and the messages
 * production would have sent meanwhile are never measured. That is coordinated omission. An
 * open-loop test sends on a schedule whatever the answers, and times each message from when it
 * was due: every message that waited counts. Here both run side by side, at the same rate, on the
 * same broker, which is paused (SIGSTOP) for a second in the middle of the run: the closed loop
 * reports one slow send, the open loop the hundreds a user would have waited on; the chart (a
 * PNG, its path printed) shows each message's latency by when it was due. For throughput
 * figures and tuning, the phase 6 benchmark lab. Run it: {@code ./lesson PerformanceTesting}
 * (its own broker; about 15 s).
 */
public class PerformanceTesting {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, RocketMQCluster.topology().brokerGroup("broker-a"))) {
            Path chart = Files.createTempFile("performance-testing", ".png");
            Result r = run(cluster, "LessonPerformance", 200, Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofMillis(100), chart);
            System.out.printf("Done: against a p99 budget of %d ms, the closed loop says %s, the open loop %s.%n", r.budgetMillis(),
                r.closedLoop().p99Millis() <= r.budgetMillis() ? "PASS" : "FAIL", r.openLoop().p99Millis() <= r.budgetMillis() ? "PASS" : "FAIL");
        }
    }

    /** One way of measuring: messages measured, latency percentiles and maximum (ms), messages over the budget. */
    public record Measured(long count, double p50Millis, double p99Millis, double p999Millis, double maxMillis, long overBudget) {

        static Measured of(Histogram h, long budgetMillis) {
            return new Measured(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0,
                h.getTotalCount() - h.getCountBetweenValues(0, budgetMillis * 1000));
        }
    }

    public record Result(Measured closedLoop, Measured openLoop, long budgetMillis, long failed) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int perSecond, Duration length, Duration stall, Duration budget,
                             Path chart) throws Exception {
        RocketMQServer broker = cluster.master("broker-a");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
        }
        DefaultMQProducer closed = Clients.configure(new DefaultMQProducer(topic + "-closed"), cluster.rocketMQ());
        DefaultMQProducer open = Clients.configure(new DefaultMQProducer(topic + "-open"), cluster.rocketMQ());
        closed.setSendMsgTimeout(10_000); // the stall must not turn into failures: this measures waiting
        open.setSendMsgTimeout(10_000);
        closed.start();
        open.start();
        Recorder closedLatency = new Recorder(3);
        Recorder openLatency = new Recorder(3);
        AtomicInteger failed = new AtomicInteger();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        int messages = (int) length.toSeconds() * perSecond;
        long[] closedMicros = new long[messages]; // each message's latency, by its place in the schedule, for the chart
        long[] openMicros = new long[messages];
        try {
            // Warm-up: the first sends pay for routes and connections, not for the broker.
            for (int i = 0; i < 50; i++) {
                closed.send(message(topic, "warm-up"));
                open.send(message(topic, "warm-up"));
            }
            long start = System.nanoTime();
            // 1. The closed loop: send, wait, send; each timed from when it actually started.
            Thread closedLoop = new Thread(() -> {
                for (int i = 0; i < messages; i++) {
                    pauseUntil(start + i * intervalNanos); // on schedule while it keeps up, at once when behind
                    long sent = System.nanoTime();
                    try {
                        closed.send(message(topic, "closed"));
                        closedMicros[i] = (System.nanoTime() - sent) / 1000;
                        closedLatency.recordValue(closedMicros[i]);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }, "closed-loop");
            closedLoop.start();
            // 2. The open loop: each message sent when due (asynchronously), timed from when it was due.
            CountDownLatch answered = new CountDownLatch(messages);
            Thread openLoop = new Thread(() -> {
                for (int i = 0; i < messages; i++) {
                    int n = i;
                    long due = start + i * intervalNanos;
                    pauseUntil(due);
                    try {
                        open.send(message(topic, "open"), new SendCallback() {
                            @Override
                            public void onSuccess(SendResult result) {
                                openMicros[n] = (System.nanoTime() - due) / 1000;
                                openLatency.recordValue(openMicros[n]);
                                answered.countDown();
                            }

                            @Override
                            public void onException(Throwable e) {
                                failed.incrementAndGet();
                                answered.countDown();
                            }
                        });
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        answered.countDown();
                    }
                }
            }, "open-loop");
            openLoop.start();
            // 3. The broker stalls in the middle of the run: a GC pause, a disk hiccup, here a SIGSTOP.
            pauseUntil(start + length.toNanos() / 3);
            broker.pause();
            pauseUntil(System.nanoTime() + stall.toNanos());
            broker.resume();
            closedLoop.join();
            openLoop.join();
            if (!answered.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(answered.getCount() + " open-loop sends got no answer within 30 s");
            }
        } finally {
            closed.shutdown();
            open.shutdown();
        }
        Measured c = Measured.of(closedLatency.getIntervalHistogram(), budget.toMillis());
        Measured o = Measured.of(openLatency.getIntervalHistogram(), budget.toMillis());
        System.out.printf("%d messages a second for %d s, the broker stopped for %d ms; budget %d ms:%n", perSecond, length.toSeconds(),
            stall.toMillis(), budget.toMillis());
        System.out.printf("   %-12s %9s %9s %9s %9s %9s %12s%n", "", "measured", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "over budget");
        for (var row : new Object[][] {{"closed loop", c}, {"open loop", o}}) {
            Measured m = (Measured) row[1];
            System.out.printf("   %-12s %9d %9.1f %9.1f %9.1f %9.1f %12d%n", row[0], m.count(), m.p50Millis(), m.p99Millis(), m.p999Millis(),
                m.maxMillis(), m.overBudget());
        }
        chart(chart, closedMicros, openMicros, budget, perSecond);
        System.out.printf("   chart: %s%n", chart);
        return new Result(c, o, budget.toMillis(), failed.get());
    }

    /** Each message's latency by its place in the schedule, both loops and the budget, as a PNG. */
    private static void chart(Path png, long[] closedMicros, long[] openMicros, Duration budget, int perSecond) throws Exception {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries closedSeries = new XYSeries("closed loop (timed from the send)");
        XYSeries openSeries = new XYSeries("open loop (timed from when it was due)");
        XYSeries budgetLine = new XYSeries("budget");
        for (int i = 0; i < openMicros.length; i++) {
            double second = (double) i / perSecond;
            closedSeries.add(second, closedMicros[i] / 1000.0);
            openSeries.add(second, openMicros[i] / 1000.0);
            budgetLine.add(second, budget.toMillis());
        }
        data.addSeries(openSeries);
        data.addSeries(closedSeries);
        data.addSeries(budgetLine);
        JFreeChart chart = ChartFactory.createXYLineChart("Send latency by when the message was due, broker stopped for a second",
            "seconds into the run (message due)", "latency (ms)", data, PlotOrientation.VERTICAL, true, false, false);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 500);
    }

    private static Message message(String topic, String body) {
        return new Message(topic, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The load's schedule (not a wait for messages): park until {@code deadline} (System.nanoTime). */
    private static void pauseUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }
}
