package learn.rocketmq.patterns.troubleshooting;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Log analysis: after an incident, read the broker's logs for what went wrong, as a summary of
 * kinds instead of thousands of lines.
 * Roadmap: 7.4 Troubleshooting: Log analysis.
 *
 * <p>A broker writes {@code broker.log} (requests, registration, most warnings), {@code store.log}
 * (the commit log, flushing, disk), {@code remoting.log} (connections) and more under {@code
 * ~/logs/rocketmqlogs/} (phase 5 {@code LogManagement}: where, how they roll). A line is {@code
 * date time LEVEL thread - message}. Grepping one error works when you know it; after an incident
 * you do not: keep the WARN and ERROR lines of every file, turn each message into its template
 * (numbers, addresses and ids replaced, so a thousand refusals of different messages are one
 * kind), count them, and read the kinds from the most frequent, with what each means. Here three
 * client mistakes hit a broker: sends to a queue the topic does not have, bodies over the broker's
 * {@code maxMessageSize} (64 KiB here; the client allows 4 MiB), a delivery time past the timer's
 * 3-day limit. The client got an exception each time; the broker logs the first two (the wrong
 * queue in {@code broker.log}, the size in {@code store.log}) but not the timer's refusal: the
 * client's error is the only trace of that one. Most of the rest is noise a healthy broker always
 * writes (plug-ins not found at start, the transaction checker finding nothing): learn it once and
 * filter it. Note the size case: a 100 KiB body of zeros passes, since the client compresses
 * bodies over 4 KiB ({@code compressMsgBodyOverHowmuch}); random bytes do not shrink. Run it: {@code ./lesson LogAnalysis} (its own broker logging as an
 * installation does; about 15 s).
 */
public class LogAnalysis {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            List<Kind> kinds = run(cluster, "LessonLogAnalysis");
            System.out.printf("Done: %d kinds of WARN/ERROR lines, %d of them known noise.%n", kinds.size(),
                kinds.stream().filter(Kind::noise).count());
        }
    }

    /** A NameServer and a broker logging into their own files, the broker taking bodies up to 64 KiB. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").rocketmqLogging().set("maxMessageSize", "65536");
    }

    /**
     * One kind of line: its level and file, its template, how many lines, the first one, what it
     * means ("" when unknown), and whether it is known noise of a healthy broker.
     */
    public record Kind(String level, String file, String template, int count, String example, String meaning, boolean noise) {
    }

    /** What some templates mean: a fragment of the template, then the meaning; "noise: " for the harmless ones. */
    static final List<Map.Entry<String, String>> MEANINGS = List.of(
        Map.entry("queueId[<n>] is illegal", "a client sent to a queue id the topic does not have (a stale route, a hard-coded"
            + " queue); it got CODE 29"),
        Map.entry("message body size exceeded", "a body over the broker's maxMessageSize (the client's own limit can be"
            + " larger); it got CODE 13"),
        Map.entry("broker busy", "flow control: requests waited too long in the send queue (a slow disk, a burst); CODE 2"),
        Map.entry("disk maybe full", "the disk is nearly full: the broker refuses writes above diskSpaceWarningLevelRatio"),
        Map.entry("not exist, apply first", "a client used a topic the broker does not have"),
        Map.entry("No new message. GetMessageStatus=NO_MESSAGE_IN_QUEUE", "noise: the transaction checker found nothing to check"),
        Map.entry("The miss op offset", "noise: the transaction checker's bookkeeping"),
        Map.entry("No resource file with name [META-INF/service/", "noise at start: no plug-in found, the default is used"),
        Map.entry("Load default ", "noise at start: the default implementation loaded"),
        Map.entry("The commitlog files are deleted", "noise at the first start on an empty store"));

    public static List<Kind> run(RocketMQCluster cluster, String topic) throws Exception {
        RocketMQServer broker = cluster.master("broker-a");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
        }
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), cluster.rocketMQ());
        producer.setRetryTimesWhenSendFailed(0); // one request per mistake, one line each
        producer.start();
        try {
            // 1. The incident: client mistakes, each refused.
            for (int i = 0; i < 3; i++) {
                Message m = new Message(topic, ("m" + i).getBytes(StandardCharsets.UTF_8));
                refused(() -> producer.send(m, new MessageQueue(topic, "broker-a", 7)));
            }
            byte[] big = new byte[100 * 1024];
            new Random(7).nextBytes(big); // random: the client compresses bodies over 4 KiB, zeros to nothing
            for (int i = 0; i < 2; i++) {
                refused(() -> producer.send(new Message(topic, big)));
            }
            Message tooFar = new Message(topic, "in a year".getBytes(StandardCharsets.UTF_8));
            tooFar.setDeliverTimeMs(System.currentTimeMillis() + Duration.ofDays(365).toMillis());
            refused(() -> producer.send(tooFar));
        } finally {
            producer.shutdown();
        }
        // 2. The logs, summarised (written asynchronously: wait for the incident's lines).
        Path logs = broker.rocketmqLogDir();
        Wait.until(Duration.ofSeconds(10), "the broker's lines about the refused sends", () -> {
            List<Kind> now = analyse(logs);
            return count(now, "queueId[<n>] is illegal") >= 3 && count(now, "message body size exceeded") >= 2;
        });
        List<Kind> kinds = analyse(logs);
        System.out.printf("2. WARN and ERROR lines in %s, by kind:%n", logs);
        for (Kind k : kinds) {
            if (!k.noise()) {
                System.out.printf("   %4d x %-5s %-11s %s%n", k.count(), k.level(), k.file(), abbreviate(k.template(), 110));
                System.out.printf("          %s%n", k.meaning().isEmpty() ? "(unknown: read the example) " + abbreviate(k.example(), 100)
                    : "means: " + k.meaning());
            }
        }
        List<Kind> noise = kinds.stream().filter(Kind::noise).toList();
        System.out.printf("   and %d kinds of known noise (%d lines), e.g. %s%n", noise.size(), noise.stream().mapToInt(Kind::count).sum(),
            noise.isEmpty() ? "none" : abbreviate(noise.get(0).template(), 80));
        return kinds;
    }

    /** A line of RocketMQ's logs: "2026-12-06 15:04:05,123 WARN SendMessageThread_1 - message". */
    private static final Pattern LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:,\\d{3})? (\\w+) (.+?) - (.*)$");

    /** The WARN and ERROR lines of every {@code .log} file in {@code dir}, by template, the most frequent first. */
    public static List<Kind> analyse(Path dir) throws Exception {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (!m.matches() || !(m.group(1).equals("WARN") || m.group(1).equals("ERROR"))) {
                    continue; // INFO, or a stack trace's continuation line
                }
                String template = template(m.group(3));
                String key = m.group(1) + " " + file.getFileName() + " " + template;
                Kind old = kinds.get(key);
                kinds.put(key, old == null
                    ? new Kind(m.group(1), file.getFileName().toString(), template, 1, m.group(3), meaning(template),
                        meaning(template).startsWith("noise"))
                    : new Kind(old.level(), old.file(), template, old.count() + 1, old.example(), old.meaning(), old.noise()));
            }
        }
        List<Kind> sorted = new ArrayList<>(kinds.values());
        sorted.sort(Comparator.comparing(Kind::noise).thenComparing(Kind::count, Comparator.reverseOrder()));
        return sorted;
    }

    /** A message with what varies between lines of one kind replaced: addresses, ids, numbers. */
    static String template(String message) {
        return message
            .replaceAll("\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?", "<addr>")
            .replaceAll("\\b[0-9A-F]{32}\\b", "<id>")
            .replaceAll("\\d+", "<n>");
    }

    /** The lines of the kinds whose template contains {@code fragment}. */
    public static int count(List<Kind> kinds, String fragment) {
        return kinds.stream().filter(k -> k.template().contains(fragment)).mapToInt(Kind::count).sum();
    }

    private static String meaning(String template) {
        return MEANINGS.stream().filter(e -> template.contains(e.getKey())).map(Map.Entry::getValue).findFirst().orElse("");
    }

    private interface Send {
        Object send() throws Exception;
    }

    private static void refused(Send send) {
        try {
            send.send();
            System.out.println("1. Sent (not refused?)");
        } catch (Exception e) {
            System.out.printf("1. Refused: %s%n", abbreviate(e.getMessage().lines().findFirst().orElse(""), 140));
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
