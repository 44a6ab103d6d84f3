package learn.rocketmq.internals.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Windows in event time: orders per customer in tumbling, sliding and session windows, a late order
 * within the allowed lateness counted, one past it dropped, and the last window left open.
 * Roadmap: 6.3 RocketMQ Streams: Window operations.
 *
 * <p>The job is {@code learn.rocketmq.streams.WindowedCounts} (streams-apps, its own JVM, see
 * {@link StreamApi}): {@code selectTimestamp} takes each order's own time, {@code keyBy(customer)},
 * {@code window(...)}, {@code aggregate}. Streams' <em>watermark</em> is the latest event time it has seen
 * minus the allowed lateness (5 s here): a window fires when the watermark passes its end, and a record
 * older than the watermark is dropped with a "discard data" warning. So a window fires only when a
 * <em>later</em> event arrives: the last one stays open (Streams 1.1.1's idle scanner fires it only after
 * a window's length of wall-clock time without updates). The orders carry fixed times, from
 * 10:00:00 UTC on 1 December 2026, so every run computes the same windows; the lesson sends one order at
 * a time and waits until the job processed it, so the outcome does not depend on which of the shuffle
 * topic's queues each customer went through. <b>Session windows are broken in Streams 1.1.1</b>, and the
 * lesson runs one to show it: orders skipped after a NullPointerException, customers mixed in one
 * session (docs/phase6-streams.md has the concepts and the upstream references). Run it:
 * {@code ./lesson WindowOperations}.
 */
public class WindowOperations {

    /** An order as sent: id, customer, amount, seconds after 10:00:00. */
    record Order(String id, String customer, long amount, int second) {
        String line() {
            return id + "," + customer + "," + amount + "," + (START + second * 1000L);
        }
    }

    static final long START = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

    /**
     * Minute 0; bob's order at :58 arriving after alice's at 1:02 (3 s late, within the 5 s); bob's at :30,
     * 37 s late, past the watermark; minute 1; then minute 3, which moves the watermark past minute 1.
     */
    static final List<Order> ORDERS = List.of(new Order("o1", "alice", 10, 5), new Order("o2", "bob", 25, 20),
        new Order("o3", "alice", 30, 40), new Order("o4", "bob", 40, 59), new Order("o5", "alice", 50, 62),
        new Order("o6", "bob", 15, 58), new Order("o7", "alice", 20, 66), new Order("o8", "bob", 10, 67),
        new Order("o9", "bob", 99, 30), new Order("o10", "bob", 20, 100),
        new Order("o11", "alice", 5, 119), new Order("o12", "alice", 1, 185), new Order("o13", "bob", 2, 186));

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Path dir = Files.createTempDirectory("lesson-windows");
        for (String kind : List.of("tumbling", "sliding", "session")) {
            run(rocketmq, kind, "LessonWindow" + kind, "lesson-window-" + kind, dir);
        }
    }

    /** What one window kind made of the orders: the windows fired, as lines, the orders dropped as late, the ones lost to an error. */
    public record Outcome(List<String> windows, List<String> dropped, List<String> failed) {}

    public static Outcome run(RocketMQ rocketmq, String kind, String topicPrefix, String job, Path dir) throws Exception {
        String source = topicPrefix + "Orders";
        String sink = topicPrefix + "Windows";
        List<String> dropped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(source, TopicMessageType.NORMAL, 1);
            admin.createTopic(sink, TopicMessageType.NORMAL, 1);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(job + "-producer"), rocketmq);
            producer.start();
            try (StreamsProcess app = StreamsProcess.start("learn.rocketmq.streams.WindowedCounts", rocketmq.nameServer(), job,
                List.of("--source", source, "--sink", sink, "--window", kind), dir)) {
                // 1. The job runs; probe orders (never counted) until both customers come out of the shuffle.
                int probes = app.awaitConsuming(producer, source, Map.of("key alice", "probe,alice,0,0", "key bob", "probe,bob,0,0"));
                System.out.printf("%n[%s] 1. Streams job %s: event time, %s window, lateness 5 s (%d probes until it consumed)%n",
                    kind, job, kind, probes);

                // 2. The orders, one at a time: each counted, or dropped as too late.
                // A window fires while Streams processes a later record, and its line is sent to the sink then:
                // once the last order has been processed, every window that fired is in the sink.
                send(producer, app, source, ORDERS, dropped, failed, kind);
            } finally {
                producer.shutdown();
            }
            // 3. The windows it fired, as it wrote them: customer, window, orders, total.
            List<String> windows = TopicContents.readAll(rocketmq, sink).stream()
                .map(m -> window(new String(m.getBody(), StandardCharsets.UTF_8))).sorted().toList();
            windows.forEach(w -> System.out.printf("[%s] 3. fired: %s%n", kind, w));
            System.out.printf("[%s] 3. still open: the windows of 10:03 (the watermark, 10:03:01, has not passed their end)%n", kind);
            return new Outcome(windows, dropped, failed);
        }
    }

    private static void send(DefaultMQProducer producer, StreamsProcess app, String topic, List<Order> orders, List<String> dropped,
                             List<String> failed, String kind) throws Exception {
        for (Order order : orders) {
            int errors = errors(app.output());
            producer.send(new Message(topic, order.line().getBytes(StandardCharsets.UTF_8)));
            String counted = "[streams] " + app.job() + " counted " + order.id() + "\n";
            String late = "[Order[id=" + order.id() + ",";
            if (!Wait.until(Duration.ofSeconds(30), order.id() + " counted, dropped or failed", () -> {
                String out = app.output();
                return out.contains(counted) || out.contains(late) || errors(out) > errors;
            })) {
                throw new IllegalStateException("Streams job " + app.job() + " did nothing visible with " + order.id() + " in 30 s:\n" + app.tail());
            }
            // Then a marker, same customer (so the same shuffle queue), time 1970: too late for any window, so
            // Streams drops it with a warning; once that is printed, the order before it has been processed.
            producer.send(new Message(topic, ("probe-" + order.id() + "," + order.customer() + ",0,0").getBytes(StandardCharsets.UTF_8)));
            app.awaitOutput(Duration.ofSeconds(30), "[Order[id=probe-" + order.id() + ",");
            String out = app.output();
            String outcome;
            if (out.contains(late)) {
                outcome = "dropped, older than the watermark";
                dropped.add(order.id());
            } else if (errors(out) > errors) {
                outcome = (out.contains(counted) ? "counted, then" : "lost:") + " Streams threw " + lastError(out)
                    + ", logged it and went on (skip_data_error)";
                failed.add(order.id());
            } else {
                outcome = "counted";
            }
            System.out.printf("[%s] 2. %-4s %-5s at %s, %3d: %s%n", kind, order.id(), order.customer(), time(START + order.second() * 1000L),
                order.amount(), outcome);
        }
    }

    /** How many records Streams skipped after an exception: it logs each and goes on (skip_data_error, on by default). */
    private static int errors(String output) {
        return output.split("skip this data", -1).length - 1;
    }

    private static String lastError(String output) {
        int at = output.lastIndexOf("Caused by: ");
        return at < 0 ? "an exception" : output.substring(at + 11, output.indexOf(':', at + 11));
    }

    /** "alice,start,end,orders,total" as "alice 10:00:00-10:01:00 2 orders 40". */
    static String window(String line) {
        String[] f = line.split(",");
        return String.format("%s %s-%s %s orders %s", f[0], time(Long.parseLong(f[1])), time(Long.parseLong(f[2])), f[3], f[4]);
    }

    private static String time(long millis) {
        return DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(millis));
    }
}
