package learn.rocketmq.projects.logaggregation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The aggregator service: one consumer group reading every service's log events, writing each
 * line once into {@code <dir>/<service>/<LEVEL>.log} (one file per service and level: what you
 * grep), and counting per service and level. A redelivered event (same key) is written once. The
 * ids it has seen are kept in memory: a restarted aggregator would rebuild them from its files.
 */
public final class LogAggregator implements AutoCloseable {

    private final Path dir;
    private final DefaultMQPushConsumer consumer;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, AtomicLong>> counts = new ConcurrentHashMap<>();
    private final AtomicLong redeliveries = new AtomicLong();

    public LogAggregator(RocketMQ rocketmq, String topic, String group, Path dir) throws Exception {
        this.dir = dir;
        consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq);
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                write(m);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS; // after the lines are on disk
        });
        consumer.start();
    }

    private void write(MessageExt m) {
        if (!seen.add(m.getKeys())) {
            redeliveries.incrementAndGet();
            return;
        }
        String service = m.getUserProperty("service");
        String level = m.getUserProperty("level");
        Path file = dir.resolve(service).resolve(level + ".log");
        synchronized (this) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, new String(m.getBody(), StandardCharsets.UTF_8) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                seen.remove(m.getKeys());
                throw new UncheckedIOException(e); // the message is redelivered later
            }
        }
        counts.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).computeIfAbsent(level, l -> new AtomicLong()).incrementAndGet();
    }

    /** Lines written, per service and level. */
    public Map<String, Map<String, Long>> counts() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counts.forEach((service, levels) -> {
            Map<String, Long> c = new TreeMap<>();
            levels.forEach((level, n) -> c.put(level, n.get()));
            copy.put(service, c);
        });
        return copy;
    }

    public long total() {
        return seen.size();
    }

    /** Copies of an event already written, dropped. */
    public long redeliveries() {
        return redeliveries.get();
    }

    /** The search: every written line containing {@code text}, of {@code service} and {@code level} (null: any). */
    public List<String> search(String service, String level, String text) throws IOException {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                boolean serviceMatches = service == null || file.getParent().getFileName().toString().equals(service);
                boolean levelMatches = level == null || file.getFileName().toString().equals(level + ".log");
                if (serviceMatches && levelMatches) {
                    Files.readAllLines(file).stream().filter(line -> line.contains(text)).forEach(found::add);
                }
            }
        }
        return found;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
