package learn.rocketmq.production.monitoring;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Log management: where a RocketMQ installation's servers write their logs, how the files roll,
 * a client's error found in the broker's log, and a log level changed while the broker runs.
 * Roadmap: 5.4 Monitoring & Operations: Log management.
 *
 * <p>Each server logs through its own {@code conf/rmq.<role>.logback.xml} (logback, shaded into
 * RocketMQ) into {@code ~/logs/rocketmqlogs/}, one file per subsystem: {@code broker.log} (requests,
 * registration, most warnings), {@code store.log} (commit log, recovery, flush), {@code remoting.log}
 * (connections), {@code namesrv.log}, {@code proxy.log}, ... Old files go gzipped to
 * {@code otherdays/}. Timestamps are in GMT+8 whatever the machine's zone (the pattern says so).
 * Writes are asynchronous (AsyncAppender): a {@code kill -9} can lose the last
 * lines. Clients log too: the classic client to {@code rocketmq_client.log}
 * ({@code -Drocketmq.client.logRoot}, {@code -Drocketmq.client.logLevel}), the 5.x client to
 * {@code rocketmq-client.log} ({@code -Drocketmq.log.root}, {@code -Drocketmq.log.level}).
 * Run it: {@code ./lesson LogManagement} (a NameServer and a broker, each with its home's logs).
 */
public class LogManagement {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonLogManagement");
            System.out.printf("Done: %d broker log files; the producer's error found in broker.log; DEBUG without a restart"
                + " after %d ms.%n", r.brokerFiles().size(), r.debugAfterMillis());
        }
    }

    /** A NameServer and a broker, each logging as an installation does. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").rocketmqLogging();
    }

    /** How an appender rolls its file: at what size, how many old files kept, named how. */
    public record Rolling(String maxFileSize, int maxIndex, String oldFiles) {
    }

    public record Result(List<String> nameServerFiles, List<String> brokerFiles, Map<String, Rolling> rolling,
                         String clientError, String brokerLine, long debugAfterMillis, String debugLine) {
    }

    public static Result run(RocketMQCluster cluster, String topic) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master("broker-a");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        Path brokerLog = broker.rocketmqLogDir().resolve("broker.log");

        // 1. Where the logs are: ~/logs/rocketmqlogs of the user each server runs as.
        List<String> nameServerFiles = files(cluster.nameServers().get(0).rocketmqLogDir());
        List<String> brokerFiles = files(broker.rocketmqLogDir());
        System.out.printf("1. NameServer logs in %s: %s%n   Broker logs in %s: %s%n", cluster.nameServers().get(0).rocketmqLogDir(),
            nameServerFiles, broker.rocketmqLogDir(), brokerFiles);

        // 2. How they roll: read from the broker's own configuration file.
        Map<String, Rolling> rolling = rolling(broker.logbackConfig());
        System.out.printf("2. Rolling, from %s:%n", broker.logbackConfig());
        for (String file : List.of("broker.log", "store.log", "remoting.log")) {
            Rolling roll = rolling.get(file);
            System.out.printf("   %-12s rolls at %s into %s, the last %d kept%n", file, roll.maxFileSize(), roll.oldFiles(), roll.maxIndex());
        }

        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer("log-management-producer"), rocketmq);
        producer.start();
        try {
            // 3. A client's mistake, seen from both sides: a send to queue 7 of a 4-queue topic
            //    (a queue id kept from before the topic shrank). The broker's WARN line says what it
            //    refused and from which client address: search the log by that address.
            String clientError;
            try {
                producer.send(new Message(topic, "to a queue that is not there".getBytes(StandardCharsets.UTF_8)),
                    new MessageQueue(topic, "broker-a", 7));
                clientError = "none";
            } catch (Exception e) {
                clientError = e.getMessage();
            }
            String clientAddress = clientError.replaceAll("(?s).*Producer: (\\S+).*", "$1");
            System.out.printf("3. The producer got: %s%n", firstLine(clientError));
            Wait.until(Duration.ofSeconds(10), "the broker's line about queue 7",
                () -> lines(brokerLog).anyMatch(l -> l.contains("queueId[7] is illegal") && l.contains(clientAddress)));
            String brokerLine = lines(brokerLog).filter(l -> l.contains("queueId[7] is illegal")).findFirst().orElseThrow();
            System.out.printf("   broker.log, searched for %s: %s%n", clientAddress, abbreviate(brokerLine));

            // 4. A level changed while the broker runs. The file says scan="true" (every 30 s), but it
            //    names logback's classes unshaded ("ch.qos.logback..."): RocketMQ's loader rewrites
            //    them to its shaded copy when the broker starts, logback's rescan reads the file as it
            //    is, fails on them, and keeps the old levels. So an edit alone waits for a restart;
            //    with the shaded names written into the file, the running broker takes it up at its
            //    next scan.
            // One write: a scan between two edits would load the first alone.
            Path conf = broker.logbackConfig();
            Files.writeString(conf, shaded(withLevel(Files.readString(conf), "RocketmqBroker", "INFO", "DEBUG")));
            long t0 = System.nanoTime();
            String marker = "Receive SendMessage request command";
            boolean debugOn = Wait.until(Duration.ofSeconds(45), "the running broker to log each send at DEBUG", () -> {
                producer.send(new Message(topic, "probe".getBytes(StandardCharsets.UTF_8)));
                return lines(brokerLog).anyMatch(l -> l.contains(marker));
            });
            long debugAfterMillis = (System.nanoTime() - t0) / 1_000_000;
            String debugLine = lines(brokerLog).filter(l -> l.contains(marker)).findFirst().orElse("none");
            System.out.printf("4. RocketmqBroker set to DEBUG in the file (shaded class names): the running broker logs every send"
                + " request after %d ms: %b%n   %s%n", debugAfterMillis, debugOn, abbreviate(debugLine));
            // 5. Back to INFO (DEBUG on a busy broker writes a line per request): taken up at the next scan.
            Files.writeString(conf, withLevel(Files.readString(conf), "RocketmqBroker", "DEBUG", "INFO"));
            System.out.println("5. RocketmqBroker back to INFO in the file, for the next scan");
            return new Result(nameServerFiles, brokerFiles, rolling, clientError, brokerLine, debugAfterMillis, debugLine);
        } finally {
            producer.shutdown();
        }
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Each rolling appender of a logback file: its file name, and how it rolls. */
    static Map<String, Rolling> rolling(Path logbackXml) throws Exception {
        Map<String, Rolling> rolling = new LinkedHashMap<>();
        NodeList appenders = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(logbackXml.toFile())
            .getElementsByTagName("appender");
        for (int i = 0; i < appenders.getLength(); i++) {
            Element appender = (Element) appenders.item(i);
            if (!appender.getAttribute("class").endsWith("RollingFileAppender")) {
                continue;
            }
            rolling.put(lastName(text(appender, "file")), new Rolling(text(appender, "maxFileSize"),
                Integer.parseInt(text(appender, "maxIndex")), "otherdays/" + lastName(text(appender, "fileNamePattern"))));
        }
        return rolling;
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    /** {@code ${user.home}${file.separator}logs...${file.separator}broker.log}: {@code broker.log}. */
    private static String lastName(String path) {
        return path.substring(path.lastIndexOf('}') + 1);
    }

    private static String withLevel(String xml, String logger, String from, String to) {
        String before = "<logger name=\"" + logger + "\" additivity=\"false\" level=\"" + from + "\">";
        if (!xml.contains(before)) {
            throw new IllegalStateException("the logging configuration has no " + before);
        }
        return xml.replace(before, before.replace("level=\"" + from + "\"", "level=\"" + to + "\""));
    }

    /** The class names RocketMQ's loader puts in ("ch.qos.logback..." to its shaded copy), so that a rescan can load the file. */
    private static String shaded(String xml) {
        return xml.replace("\"ch.qos.logback", "\"org.apache.rocketmq.logging.ch.qos.logback");
    }

    private static Stream<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).stream() : Stream.empty();
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }

    private static String abbreviate(String line) {
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }
}
