package learn.rocketmq.internals.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * RocketMQ Streams' API: a source topic, {@code filter}, {@code map}, and a sink topic.
 * Roadmap: 6.3 RocketMQ Streams: Stream API usage.
 *
 * <p>The application is {@code learn.rocketmq.streams.FilterMapSink} in the {@code streams-apps}
 * module: {@code StreamBuilder.source(topic, deserializer)} gives an {@code RStream}; each operator
 * returns a new one; {@code sink(topic, serializer)} ends it; {@code new RocketMQStream(builder.build(),
 * properties).start()} runs it on worker threads that consume the source with a consumer group named
 * after the job. Streams 1.1.1 (2023, the last release) is built on the 5.0.0 client and cannot share a
 * class path with the 5.5.0 client, so this lesson runs it in a JVM of its own, against the same
 * 5.5.0 broker: the orders are sent and the results read with the 5.5.0 client. Its source consumer
 * starts at a new group's <em>last</em> offset (1.1.1 has no setting for it), fixed only at its first
 * pull, about a second after the job starts: orders sent before that are skipped. So the lesson sends
 * probe orders (amount 0: the filter drops them) until the job says it consumes, then the real ones.
 * Run it: {@code ./lesson StreamApi}.
 */
public class StreamApi {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        List<String> lines = run(rocketmq, "LessonStreamApiOrders", "LessonStreamApiBigOrders", "lesson-stream-api",
            Files.createTempDirectory("lesson-stream-api"));
        System.out.printf("Done: %d lines in the sink topic.%n", lines.size());
    }

    /** The lines the application wrote to {@code sink}, in the order they were stored. */
    public static List<String> run(RocketMQ rocketmq, String source, String sink, String job, Path dir) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(source, TopicMessageType.NORMAL, 1);
            admin.createTopic(sink, TopicMessageType.NORMAL, 1);
            // 1. The Streams application: source -> filter(amount >= 100) -> map(to a line) -> sink.
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(job + "-producer"), rocketmq);
            producer.start();
            try (StreamsProcess app = StreamsProcess.start("learn.rocketmq.streams.FilterMapSink", rocketmq.nameServer(), job,
                List.of("--source", source, "--sink", sink), dir)) {
                int probes = app.awaitConsuming(producer, source, java.util.Map.of("source", "probe,probe,0"));
                System.out.printf("1. Streams job %s runs in its own JVM and consumes (%d probe orders sent until it did)%n", job, probes);

                // 2. Ten orders, "id,customer,amount": six of 100 or more.
                for (int i = 1; i <= 10; i++) {
                    String order = "o" + i + ",customer-" + (i % 3) + "," + (i * 20);
                    producer.send(new Message(source, order.getBytes(StandardCharsets.UTF_8)));
                }
                System.out.printf("2. Sent 10 orders to %s (amounts 20 .. 200)%n", source);
                Wait.until(Duration.ofSeconds(60), "6 lines in " + sink, () -> admin.storedMessages(sink) >= 6);
            } finally {
                producer.shutdown();
            }

            // 3. What it wrote.
            List<String> lines = TopicContents.readAll(rocketmq, sink).stream()
                .map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).toList();
            lines.forEach(l -> System.out.printf("3. %s: %s%n", sink, l));
            return lines;
        }
    }
}
