package learn.rocketmq.internals.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The index file, read from the broker's files: a hash table on disk from message keys to commit
 * log offsets, and a message found by its key from the file alone.
 * Roadmap: 6.1 Message Storage: IndexFile structure.
 *
 * <p>"Find the message of order 7" cannot use the consume queues (they know only offsets and tag
 * hashes), so the dispatcher also writes each message's keys into {@code store/index/}: a file
 * named by its creation time, holding a fixed number of hash slots and entries
 * ({@code maxHashSlotNum}, {@code maxIndexNum}; 10,000 and 40,000 in this project's broker.conf,
 * 5 million and 20 million by default, about 420 MB) and a new file when the entries run out.
 * Colliding keys are chained. {@code mqadmin queryMsgByKey} and the admin API's queryMessage
 * walk exactly this. The layout is in {@link IndexFileContents}.
 * Run it: {@code ./lesson IndexFileStructure}.
 */
public class IndexFileStructure {

    public static final int KEYS = 10;

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, StoreFiles.topology())) {
            Result r = run(cluster, "LessonIndexFile", 3);
            System.out.printf("Done: key order-7 found at %d commit log offsets from the file, %d by the broker's query.%n",
                r.fromFile().size(), r.fromBroker().size());
        }
    }

    /**
     * The files' headers, the chain walked for the looked-up key, the commit log offsets of its
     * messages found from the file and by the broker, and one message's three index keys with the
     * offsets each finds.
     */
    public record Result(List<IndexFileContents> files, String lookedUp, List<IndexFileContents.Entry> chain,
                         List<Timing> timings, Set<Long> fromFile, Set<Long> fromBroker, List<String> keysOfOneMessage, List<Set<Long>> foundByEach,
                         long oneMessageOffset) {
    }

    /** When the index says an entry's message was stored (second precision), and when the commit log says it was. */
    public record Timing(long indexedMillis, long storedMillis) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int perKey) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master(StoreFiles.BROKER);
        long since = System.currentTimeMillis();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 2);
            // 1. perKey messages for each of the keys order-0 .. order-9.
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
            producer.start();
            SendResult seven = null;
            try {
                for (int i = 0; i < KEYS * perKey; i++) {
                    String key = "order-" + (i % KEYS);
                    SendResult sent = producer.send(new Message(topic, "TagA", key, ("payment of " + key).getBytes(StandardCharsets.UTF_8)));
                    seven = key.equals("order-7") ? sent : seven;
                }
            } finally {
                producer.shutdown();
            }
            // The index is written after the store: wait until the broker's own query finds the last key.
            // It keeps time in whole seconds after the file's begin timestamp (entry field 3), so a
            // message stored at 12.733 s is indexed as up to a second earlier, 12.580 s, say: a query
            // from the time just before the send could miss it. Hence "since - 1 s".
            List<MessageExt> queried = admin.queryByKey(topic, "order-7", perKey, since - 1000);
            admin.queryByKey(topic, "order-9", perKey, since - 1000);
            System.out.printf("1. Sent %d messages with keys order-0 .. order-9 to %s%n", KEYS * perKey, topic);

            // 2. The files and their headers. The slot count is the broker's setting: the file does not hold it.
            int slotCount = Integer.parseInt(admin.api().getBrokerConfig(broker.address()).getProperty("maxHashSlotNum"));
            List<IndexFileContents> files = new ArrayList<>();
            for (Path file : StoreFiles.files(broker.storeDir().resolve("index"))) {
                IndexFileContents f = IndexFileContents.read(file.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(file)), slotCount);
                files.add(f);
                System.out.printf("2. index/%s (%d bytes = 40 + %d slots x 4 + entries x 20): messages stored %s .. %s,"
                        + " commit log offsets %d .. %d, %d slots used, %d entries%n", f.name(), Files.size(file), slotCount,
                    Instant.ofEpochMilli(f.beginTimestamp()), Instant.ofEpochMilli(f.endTimestamp()), f.beginPhysicalOffset(),
                    f.endPhysicalOffset(), f.usedSlots(), f.indexCount() - 1);
            }

            // 3. Find "order-7" from the files alone: hash, slot, chain; then the candidates' real keys in the commit log.
            Path commitLog = broker.storeDir().resolve("commitlog");
            String key = topic + "#order-7";
            List<IndexFileContents.Entry> chain = new ArrayList<>();
            Set<Long> fromFile = new TreeSet<>();
            for (IndexFileContents f : files) {
                chain.addAll(f.chain(key));
                fromFile.addAll(offsetsWithKey(f, key, commitLog, "order-7"));
            }
            System.out.printf("3. Key %s: hash %d, slot %d; the slot's chain, newest first:%n", key, IndexFileContents.keyHash(key),
                files.get(0).slotOf(key));
            List<Timing> timings = new ArrayList<>();
            for (IndexFileContents.Entry e : chain) {
                System.out.printf("   entry %d: hash %d%s, commit log offset %d, %d s after the file began, previous entry %d%n",
                    e.number(), e.keyHash(), e.keyHash() == IndexFileContents.keyHash(key) ? " (the key's)" : " (another key's)",
                    e.physicalOffset(), e.secondsAfterBegin(), e.previous());
                long indexed = files.stream().filter(f -> f.indexCount() > e.number()).findFirst().orElseThrow().beginTimestamp()
                    + e.secondsAfterBegin() * 1000L;
                timings.add(new Timing(indexed, StoreFiles.recordAt(commitLog, e.physicalOffset()).storeTimestamp()));
            }
            timings.forEach(t -> System.out.printf("   stored at %s, indexed as %s: %d ms earlier%n", Instant.ofEpochMilli(t.storedMillis()),
                Instant.ofEpochMilli(t.indexedMillis()), t.storedMillis() - t.indexedMillis()));
            Set<Long> fromBroker = new TreeSet<>(queried.stream().map(MessageExt::getCommitLogOffset).toList());
            System.out.printf("   From the file: commit log offsets %s; the broker's queryMessage: %s%n", fromFile, fromBroker);

            // 4. One message is in the index three times: by its key, its unique id and (5.5.0) its tag.
            String uniqueId = seven.getMsgId(); // the producer's UNIQ_KEY
            long offset = queried.stream().filter(m -> uniqueId.equals(MessageClientIDSetter.getUniqID(m))).findFirst().orElseThrow()
                .getCommitLogOffset();
            List<String> keys = List.of(topic + "#order-7", topic + "#" + uniqueId, topic + "#T#TagA");
            List<Set<Long>> foundByEach = new ArrayList<>();
            for (String k : keys) {
                Set<Long> found = new TreeSet<>();
                files.forEach(f -> f.find(k).forEach(e -> found.add(e.physicalOffset())));
                foundByEach.add(found);
                System.out.printf("4. %s -> %s the last order-7 message (offset %d)%n", k,
                    found.contains(offset) ? "finds" : "does NOT find", offset);
            }
            return new Result(files, key, chain, timings, fromFile, fromBroker, keys, foundByEach, offset);
        }
    }

    /** The entries of the key's hash whose commit log record really has the key (hashes collide). */
    private static List<Long> offsetsWithKey(IndexFileContents f, String indexKey, Path commitLog, String key) {
        return f.find(indexKey).stream().map(IndexFileContents.Entry::physicalOffset)
            .filter(at -> List.of(StoreFiles.recordAt(commitLog, at).properties().getOrDefault("KEYS", "").split(" ")).contains(key))
            .toList();
    }
}
