package learn.rocketmq.projects.logaggregation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.stack.JavaProcess;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Project: log aggregation. Three services (orders, payments, shipping), each a JVM of its own,
 * log through SLF4J and Logback; a Logback appender ships every INFO-and-above event to the topic
 * {@code LogEvents} (see {@code LoggingService}, {@link RocketMQAppender}). The aggregator
 * ({@link LogAggregator}) consumes them into one file per service and level, searchable with
 * grep, and counts them. Payments restarts half-way: its second run's events arrive like the
 * first's, and each event is written once.
 * Roadmap: Project (beginner) 3: Log Aggregation: collect logs from multiple services.
 *
 * <p>Run it: {@code ./lesson LogAggregationSystem} (about 15 s); the files stay in the folder it
 * prints.
 */
public class LogAggregationSystem {

    public static final String TOPIC = "LogEvents"; // what logback-shipping.xml ships to
    public static final List<String> SERVICES = List.of("orders", "payments", "shipping");

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Path dir = Files.createTempDirectory("log-aggregation-");
        try (LogAggregator aggregator = run(rocketmq, "log-aggregator", dir, 40, String.valueOf(System.currentTimeMillis()), 4L * LogLevels.shipped(40))) {
            System.out.printf("Lines per service and level: %s (%d redelivered copies dropped)%n", aggregator.counts(), aggregator.redeliveries());
            System.out.println("Search: ERROR lines of payments:");
            aggregator.search("payments", "ERROR", "").forEach(line -> System.out.println("  " + line));
            System.out.printf("The files: %s/<service>/<LEVEL>.log%n", dir);
        }
    }

    /**
     * Starts the aggregator (group {@code group}, files under {@code dir}), runs the three services
     * with {@code lines} events each of run {@code run} (payments twice: a restart), and waits
     * (bounded) until {@code expected} lines are written. The aggregator keeps running: close it.
     */
    public static LogAggregator run(RocketMQ rocketmq, String group, Path dir, int lines, String run, long expected) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.NORMAL, 4);
        }
        LogAggregator aggregator = new LogAggregator(rocketmq, TOPIC, group, dir);

        // 1. The three services at once, each a process of its own.
        Path outputs = Files.createDirectories(dir.resolve("services")); // each process's console output
        List<JavaProcess> first = new ArrayList<>();
        for (String service : SERVICES) {
            first.add(startService(rocketmq, service, lines, run, outputs));
        }
        for (JavaProcess p : first) {
            p.awaitExit(Duration.ofSeconds(60));
        }
        System.out.printf("orders, payments, shipping logged %d events each and ended.%n", lines);

        // 2. Payments restarts: a new process, new event ids, the same topic.
        startService(rocketmq, "payments", lines, run + "-restarted", outputs).awaitExit(Duration.ofSeconds(60));
        System.out.printf("payments restarted and logged %d more.%n", lines);

        Wait.until(Duration.ofSeconds(30), expected + " log lines aggregated", () -> aggregator.total() >= expected);
        return aggregator;
    }

    /** One {@code LoggingService} as a process of its own, with its own Logback, as in production. */
    private static JavaProcess startService(RocketMQ rocketmq, String service, int lines, String run, Path outputs) {
        return JavaProcess.start(service + "-" + run, "learn.rocketmq.projects.logaggregation.LoggingService", List.of("--namesrv",
            rocketmq.nameServer(), "--service", service, "--lines", String.valueOf(lines), "--run", run), outputs);
    }
}
