package learn.rocketmq.internals.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Stateful processing: running totals per customer as keyed state; the Streams job killed with SIGKILL
 * and started again; the state comes back from the broker, and what was processed since the last
 * commit is processed again, counted.
 * Roadmap: 6.3 RocketMQ Streams: Stateful processing.
 *
 * <p>The job is {@code learn.rocketmq.streams.CustomerTotals} (streams-apps, its own JVM, see
 * {@link StreamApi}): {@code keyBy(customer)}, then an {@code aggregate} whose value per key is the state.
 * Streams keeps it in RocksDB and, every 10 s (fixed), first sends the changed keys to the state topic,
 * then commits the consumer offsets. A killed job loses its RocksDB (wiped at start anyway); started
 * again, it replays the state topic, then consumes from the committed offsets: the orders since the last
 * commit are processed again. The lesson measures which, and what they did to the totals. What it finds
 * in Streams 1.1.1 (docs/phase6-streams.md): each order since the commit is counted <em>twice</em> (its
 * message in the shuffle topic is read again, and the source sends it through the shuffle once more);
 * and a customer's state may not have been committed at all: the commit stops at the first queue without
 * changes ({@code return} where {@code continue} was meant; fixed upstream in 900b2604, never released),
 * so which keys come back depends on the order of a hash set. Run it: {@code ./lesson StatefulProcessing}.
 */
public class StatefulProcessing {

    /** The batches: before the commit, between the commit and the kill, after the restart. */
    static final List<String> BEFORE = List.of("o1,alice,10", "o2,bob,20", "o3,alice,30", "o4,bob,40", "o5,alice,50", "o6,bob,60");
    static final List<String> BETWEEN = List.of("o7,alice,1", "o8,bob,2", "o9,alice,3", "o10,bob,4");
    static final List<String> AFTER = List.of("o11,alice,100", "o12,bob,200");

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        run(rocketmq, "LessonStatefulOrders", "LessonStatefulTotals", "lesson-stateful", Files.createTempDirectory("lesson-stateful"));
    }

    /**
     * What happened: the records since the last commit at the kill (source queue), the entries in the
     * aggregation's state topic then, how often each order was counted after the restart, how many times
     * Streams skipped records after an exception then, the state each customer started again from
     * ("orders,total": its last total less what was counted after the restart), and its last total.
     */
    public record Outcome(long uncommitted, long stateEntries, Map<String, Integer> countedAfterRestart, int skippedAfterRestart,
                          Map<String, String> restored, Map<String, String> finalTotals) {}

    public static Outcome run(RocketMQ rocketmq, String source, String sink, String job, Path dir) throws Exception {
        String group = job + "___source_shuffle_group";   // Streams' consumer group: <job>_ + "__source_shuffle_group"
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(source, TopicMessageType.NORMAL, 1);
            admin.createTopic(sink, TopicMessageType.NORMAL, 1);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(job + "-producer"), rocketmq);
            producer.start();
            Map<String, Integer> countedAfter = new LinkedHashMap<>();
            long uncommitted;
            long stateEntries;
            int skipped;
            try {
                StreamsProcess first = StreamsProcess.start("learn.rocketmq.streams.CustomerTotals", rocketmq.nameServer(), job,
                    List.of("--source", source, "--sink", sink), dir);
                try {
                    first.awaitConsuming(producer, source, Map.of("key alice", "probe,alice,0", "key bob", "probe,bob,0"));
                    // 1. Six orders, then wait for Streams' commit (state to the state topic, then offsets).
                    send(producer, first, source, BEFORE);
                    long start = System.nanoTime();
                    if (!Wait.until(Duration.ofSeconds(40), "Streams to commit", () -> lag(admin, group, source) == 0)) {
                        throw new IllegalStateException("Streams job " + job + " committed nothing in 40 s:\n" + first.tail());
                    }
                    System.out.printf("1. 6 orders counted; Streams committed %.1f s later (every 10 s: state first, then offsets)%n",
                        (System.nanoTime() - start) / 1e9);

                    // 2. Four more, counted, then SIGKILL before the next commit.
                    send(producer, first, source, BETWEEN);
                } finally {
                    first.kill();
                }
                uncommitted = lag(admin, group, source);
                stateEntries = stateEntries(admin, job);
                System.out.printf("2. 4 more orders counted, then the job was killed (SIGKILL): %d records past its committed offset;"
                    + " its state topic holds %d entries%n", uncommitted, stateEntries);

                // 3. Started again: the state topic replayed, then consumption from the committed offsets.
                try (StreamsProcess second = StreamsProcess.start("learn.rocketmq.streams.CustomerTotals", rocketmq.nameServer(), job,
                    List.of("--source", source, "--sink", sink), Files.createDirectories(dir.resolve("restarted")))) {
                    // Probes until each customer's aggregation runs (its state replayed): only then is an order safe
                    // from 1.1.1's recovery race; the replayed orders came before them, and may have hit it.
                    second.awaitConsuming(producer, source, Map.of("key alice", "probe,alice,0", "key bob", "probe,bob,0"));
                    send(producer, second, source, AFTER);
                    skipped = second.output().split("skip this data", -1).length - 1;
                    for (String line : second.output().lines().filter(l -> l.startsWith("[streams] " + job + " counted ")).toList()) {
                        countedAfter.merge(line.substring(line.lastIndexOf(' ') + 1), 1, Integer::sum);
                    }
                    if (BETWEEN.stream().anyMatch(o -> countedAfter.getOrDefault(o.split(",")[0], 0) < 2)) {
                        System.out.println("3. Not every order since the commit was counted twice; the restarted job's output ends:\n" + second.tail());
                    }
                }
            } finally {
                producer.shutdown();
            }
            System.out.printf("3. Restarted; counted after the restart: %s; records skipped after an exception: %d%n", countedAfter, skipped);

            // 4. The totals it wrote: the last line per customer, and so the state it started again from.
            Map<String, String> totals = new LinkedHashMap<>();
            for (var m : TopicContents.readAll(rocketmq, sink)) {
                String[] f = new String(m.getBody(), StandardCharsets.UTF_8).split(",");
                totals.put(f[0], f[1] + "," + f[2]);
            }
            Map<String, String> restored = new LinkedHashMap<>();
            totals.forEach((customer, t) -> {
                long[] after = {0, 0};
                countedAfter.forEach((id, times) -> {
                    String[] o = order(id);
                    if (o[1].equals(customer)) {
                        after[0] += times;
                        after[1] += times * Long.parseLong(o[2]);
                    }
                });
                String r = (Long.parseLong(t.split(",")[0]) - after[0]) + "," + (Long.parseLong(t.split(",")[1]) - after[1]);
                restored.put(customer, r);
                System.out.printf("4. %s started again from %s orders, total %s (%s)%n", customer, r.split(",")[0], r.split(",")[1],
                    r.equals("0,0") ? "nothing: its state was not in the state topic" : "its state, from the state topic");
            });
            totals.forEach((customer, t) -> System.out.printf("4. %s: %s orders, total %s (sent: %s)%n", customer,
                t.split(",")[0], t.split(",")[1], sent(customer)));
            return new Outcome(uncommitted, stateEntries, countedAfter, skipped, restored, totals);
        }
    }

    /** Sends each order and waits until the job counted it. */
    private static void send(DefaultMQProducer producer, StreamsProcess app, String topic, List<String> orders) throws Exception {
        for (String order : orders) {
            producer.send(new Message(topic, order.getBytes(StandardCharsets.UTF_8)));
            app.awaitOutput(Duration.ofSeconds(30), "[streams] " + app.job() + " counted " + order.split(",")[0] + "\n");
        }
    }

    /** Messages of {@code topic} past the group's committed offsets (0 once Streams committed all it read). */
    static long lag(RocketMQAdmin admin, String group, String topic) {
        try {
            ConsumeStats stats = admin.api().examineConsumeStats(group);
            long lag = 0;
            boolean seen = false;
            for (Map.Entry<MessageQueue, OffsetWrapper> e : stats.getOffsetTable().entrySet()) {
                if (e.getKey().getTopic().equals(topic)) {
                    seen = true;
                    lag += e.getValue().getBrokerOffset() - Math.max(0, e.getValue().getConsumerOffset());
                }
            }
            return seen ? lag : Long.MAX_VALUE;
        } catch (Exception e) {
            return Long.MAX_VALUE;   // no offsets committed yet
        }
    }

    /** Messages in the job's aggregation state topic ({@code <shuffle topic>-stateTopic}); 0 if it does not exist yet. */
    static long stateEntries(RocketMQAdmin admin, String job) throws Exception {
        long entries = 0;
        for (String topic : admin.api().fetchAllTopicList().getTopicList()) {
            if (topic.startsWith(job + "-") && topic.endsWith("-shuffleTopic-stateTopic")) {
                entries += admin.storedMessages(topic);
            }
        }
        return entries;
    }

    /** An order by id: {id, customer, amount}. */
    static String[] order(String id) {
        return java.util.stream.Stream.of(BEFORE, BETWEEN, AFTER).flatMap(List::stream).map(o -> o.split(","))
            .filter(o -> o[0].equals(id)).findFirst().orElseThrow();
    }

    /** "orders, total" a customer sent in all. */
    static String sent(String customer) {
        List<String> all = new java.util.ArrayList<>(BEFORE);
        all.addAll(BETWEEN);
        all.addAll(AFTER);
        List<String[]> mine = all.stream().map(o -> o.split(",")).filter(f -> f[1].equals(customer)).toList();
        return mine.size() + " orders, total " + mine.stream().mapToLong(f -> Long.parseLong(f[2])).sum();
    }
}
