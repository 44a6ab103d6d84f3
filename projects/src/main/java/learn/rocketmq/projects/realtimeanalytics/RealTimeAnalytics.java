package learn.rocketmq.projects.realtimeanalytics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.internals.streams.StreamsProcess;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Real-time analytics: a website's page views counted per page and minute, with their distinct users,
 * by a RocketMQ Streams job; the results are a topic, printed as a dashboard.
 * Roadmap: Phase 6 hands-on: Real-time stream processing application.
 *
 * <p>The job is {@code learn.rocketmq.streams.PageViewAnalytics} (streams-apps; Streams 1.1.1 runs on the
 * 5.0.0 client, in a JVM of its own, see docs/phase6-streams.md): event time, {@code keyBy(page)},
 * a tumbling window of one minute, lateness 5 s. The views are generated (seed 7) for five minutes from
 * 10:00 UTC on 1 December 2026 and sent minute by minute; after each minute the project sends one marker
 * per page (a 1970 view, dropped as late) and waits until Streams dropped them all, so every view of a
 * minute was processed before the next minute's views can close it. A minute's windows fire when the
 * first view more than 5 s into the next minute arrives: the last minute stays open.
 * Run it: {@code ./lesson RealTimeAnalytics}.
 */
public class RealTimeAnalytics {

    static final long START = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
    static final List<String> PAGES = List.of("/home", "/product", "/cart");
    /** How the views fall: /home three times as often as /cart, /product twice. */
    private static final List<String> WEIGHTED = List.of("/home", "/home", "/home", "/product", "/product", "/cart");
    static final int MINUTES = 5;

    /** A view as sent: id, page, user, event time. */
    public record View(String id, String page, String user, long time) {
        String line() {
            return id + "," + page + "," + user + "," + time;
        }
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonPageViews", "LessonPageViewsPerMinute", "lesson-page-views", Files.createTempDirectory("lesson-analytics"));
    }

    /** The views of each minute, in event-time order: 30 to 50 a minute, from 12 users. */
    public static List<List<View>> views() {
        Random random = new Random(7);
        List<List<View>> minutes = new ArrayList<>();
        int id = 0;
        for (int m = 0; m < MINUTES; m++) {
            List<View> minute = new ArrayList<>();
            int count = 30 + random.nextInt(21);
            for (int i = 0; i < count; i++) {
                long time = START + m * 60_000L + (long) i * 60_000 / count;   // spread over the minute, in order
                String page = WEIGHTED.get(random.nextInt(WEIGHTED.size()));
                minute.add(new View("v" + (++id), page, "user-" + (1 + random.nextInt(12)), time));
            }
            minutes.add(minute);
        }
        return minutes;
    }

    /** The dashboard's lines, "10:00 /home 17 views 9 users", in the order the job wrote them. */
    public static List<String> run(RocketMQ rocketmq, String source, String sink, String job, Path dir) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(source, TopicMessageType.NORMAL, 1);
            admin.createTopic(sink, TopicMessageType.NORMAL, 1);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(job + "-producer"), rocketmq);
            producer.start();
            try (StreamsProcess app = StreamsProcess.start("learn.rocketmq.streams.PageViewAnalytics", rocketmq.nameServer(), job,
                List.of("--source", source, "--sink", sink), dir)) {
                // 1. The job consumes: probes until every page came out of the shuffle into its window.
                Map<String, String> probes = new LinkedHashMap<>();
                PAGES.forEach(page -> probes.put("key " + page, "probe," + page + ",nobody,0"));
                int sent = app.awaitConsuming(producer, source, probes);
                System.out.printf("1. Streams job %s consumes (%d probes until it did)%n", job, sent);

                // 2. Five minutes of views, a minute at a time, each followed by a marker per page.
                int minute = 0;
                for (List<View> views : views()) {
                    for (View view : views) {
                        producer.send(new Message(source, view.line().getBytes(StandardCharsets.UTF_8)));
                    }
                    for (String page : PAGES) {
                        String marker = "probe-" + minute + page;
                        producer.send(new Message(source, (marker + "," + page + ",nobody,0").getBytes(StandardCharsets.UTF_8)));
                        app.awaitOutput(Duration.ofSeconds(30), "[PageView[id=" + marker + ",");
                    }
                    System.out.printf("2. %s: %d views sent and processed; windows in %s so far: %d%n", time(START + minute * 60_000L),
                        views.size(), sink, admin.storedMessages(sink));
                    minute++;
                }
            } finally {
                producer.shutdown();
            }
            // 3. The dashboard: every closed minute, per page.
            List<String> dashboard = TopicContents.readAll(rocketmq, sink).stream()
                .map(m -> line(new String(m.getBody(), StandardCharsets.UTF_8))).toList();
            dashboard.forEach(l -> System.out.println("3. " + l));
            System.out.printf("3. %s is still open: its windows close with the first view after %s (the watermark must pass 10:05)%n", time(START + (MINUTES - 1) * 60_000L),
                timeSeconds(START + MINUTES * 60_000L + 5_000));
            return dashboard;
        }
    }

    /** "/home,start,end,views,users" as "10:00 /home 17 views 9 users". */
    static String line(String result) {
        String[] f = result.split(",");
        return String.format("%s %s %s views %s users", time(Long.parseLong(f[1])), f[0], f[3], f[4]);
    }

    private static String timeSeconds(long millis) {
        return DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(millis));
    }

    static String time(long millis) {
        return DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(millis));
    }
}
