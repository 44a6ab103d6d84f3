package learn.rocketmq.internals.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.ConsumerProgress;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;

/**
 * How the broker makes a message durable, and what survives a crash: the page cache, the flush,
 * the checkpoint, the abort file, and recovery cutting a torn record off the commit log's end.
 * Roadmap: 6.1 Message Storage: Message persistence mechanism.
 *
 * <p>The broker maps its store files into memory (mmap) and appends a message by copying it into
 * the mapping: that is the page cache, the kernel's, not the process's. With
 * {@code flushDiskType=ASYNC_FLUSH} (the default) SEND_OK comes back then, and a flush thread
 * writes dirty pages to the disk every {@code flushIntervalCommitLog} (500 ms) when at least
 * {@code flushCommitLogLeastPages} (4, 16 KB) are dirty; with SYNC_FLUSH, SEND_OK waits for the
 * flush. So a killed broker process loses nothing it acknowledged: the pages are the kernel's and
 * reach the disk anyway. What a power loss (or a kernel crash) can take is different: the dirty
 * pages not yet flushed, under ASYNC_FLUSH up to about half a second of acknowledged messages, and
 * a record half on the disk (torn). A process kill cannot show that, so this lesson tears a record
 * by hand: it zeroes the second half of the last one, as a power loss mid-flush could leave it.
 *
 * <p>On start a broker looks for {@code store/abort}: created at every start, deleted at a clean
 * shutdown. Present, the last run crashed, so recovery re-reads the commit log from a file
 * chosen by the checkpoint, checking each record (its size, its body CRC), and cuts the log at
 * the first record that fails; the consume queues are rebuilt to match. The next message is
 * written where the torn one began. Run it: {@code ./lesson MessagePersistence}.
 */
public class MessagePersistence {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, StoreFiles.topology())) {
            Result r = run(cluster, "LessonPersistence", 50);
            System.out.printf("Done: %d acknowledged, %d in the commit log after kill -9, %d after the torn tail was recovered;"
                + " the next message went to offset %d, where the torn one began.%n", r.acknowledged(), r.foundAfterKill(),
                r.storedAfterRecovery(), r.nextMessageOffset());
        }
    }

    public record Result(String flushDiskType, List<String> mappedCommitLogFiles, CheckpointFile checkpoint, int acknowledged,
                         boolean abortFileAfterKill, int foundAfterKill, long tornOffset, String tornKey, List<String> recoveryLog,
                         long storedAfterRecovery, Set<String> consumedKeys, long nextMessageOffset) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int count) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master(StoreFiles.BROKER);
        Path store = broker.storeDir();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 2);
            // 1. The flush settings, from the broker itself.
            Properties config = admin.api().getBrokerConfig(broker.address());
            String flushDiskType = config.getProperty("flushDiskType");
            System.out.printf("1. flushDiskType=%s, flushIntervalCommitLog=%s ms, flushCommitLogLeastPages=%s%n", flushDiskType,
                config.getProperty("flushIntervalCommitLog"), config.getProperty("flushCommitLogLeastPages"));

            // 2. Send; every SEND_OK is a message in the page cache of a mapped commit log file.
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
            producer.start();
            int acknowledged = 0;
            try {
                for (int i = 0; i < count; i++) {
                    String body = ("message " + i + " ").repeat(40);
                    SendResult sent = producer.send(new Message(topic, "TagA", "m-" + i, body.getBytes(StandardCharsets.UTF_8)));
                    acknowledged += sent.getSendStatus() == SendStatus.SEND_OK ? 1 : 0;
                }
            } finally {
                producer.shutdown();
            }
            List<String> mapped = mappedCommitLogFiles(broker.pid());
            CheckpointFile checkpoint = CheckpointFile.read(store.resolve("checkpoint"));
            System.out.printf("2. %d messages acknowledged. The broker (pid %d) maps the commit log files %s (/proc/%d/maps)%n",
                acknowledged, broker.pid(), mapped, broker.pid());
            System.out.printf("   checkpoint: flushed up to messages stored at %s (commit log), %s (consume queues), %s (index;"
                    + " an index file is flushed when it is full)%n", time(checkpoint.physicMsgTimestamp()),
                time(checkpoint.logicsMsgTimestamp()), time(checkpoint.indexMsgTimestamp()));

            // 3. kill -9 at once: no shutdown hook, no last flush. The abort file stays.
            broker.kill();
            boolean abort = Files.exists(store.resolve("abort"));
            Path commitLog = store.resolve("commitlog");
            List<CommitLogRecord> ours = new ArrayList<>();
            for (Path file : StoreFiles.files(commitLog)) {
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
                for (CommitLogRecord x; (x = CommitLogRecord.read(bytes, Long.parseLong(file.getFileName().toString()))) != null
                    && !x.isBlank(); ) {
                    if (topic.equals(x.topic())) {
                        ours.add(x);
                    }
                }
            }
            System.out.printf("3. Killed (SIGKILL). abort file: %s. The commit log holds %d of the %d messages: the page cache"
                + " outlives the process.%n", abort ? "present" : "absent", ours.size(), acknowledged);

            // 4. Tear the last record as a power loss mid-flush could: its second half zeroed.
            CommitLogRecord last = ours.get(ours.size() - 1);
            tear(commitLog, last);
            System.out.printf("4. Tore the record of %s at offset %d: its last %d of %d bytes zeroed%n", last.properties().get("KEYS"),
                last.physicalOffset(), last.totalSize() - last.totalSize() / 2, last.totalSize());

            // 5. Restart on the same store: the abort file says "crashed", so recovery checks every record.
            long logFrom = Files.size(broker.logFile());
            broker.restart();
            List<String> recovery = logLines(broker.logFile(), logFrom, "recoverAbnormally", "recover physics file end",
                "truncate dirty");
            recovery.forEach(line -> System.out.println("5. broker log: " + line));
            // The consume queues are rebuilt from the commit log after recovery; wait for them to hold the complete records.
            Wait.until(Duration.ofSeconds(30), (ours.size() - 1) + " messages in the queues of " + topic,
                () -> admin.storedMessages(topic) == ours.size() - 1);
            long stored = admin.storedMessages(topic);
            Set<String> keys = ConsumerProgress.readKeys(rocketmq, topic, (int) stored, Duration.ofSeconds(30));
            System.out.printf("   After recovery the broker holds %d messages of %s; a new group reads %d of them%n", stored, topic,
                keys.size());

            // 6. The next message is written where the torn record began.
            producer = Clients.configure(new DefaultMQProducer(topic + "-producer-2"), rocketmq);
            producer.start();
            long nextOffset;
            try {
                SendResult sent = producer.send(new Message(topic, "TagA", "after", "after recovery".getBytes(StandardCharsets.UTF_8)));
                nextOffset = MessageDecoder.decodeMessageId(sent.getOffsetMsgId()).getOffset();
            } finally {
                producer.shutdown();
            }
            System.out.printf("6. The next message was stored at commit log offset %d (the torn record began at %d)%n", nextOffset,
                last.physicalOffset());
            return new Result(flushDiskType, mapped, checkpoint, acknowledged, abort, ours.size(), last.physicalOffset(),
                last.properties().get("KEYS"), recovery, stored, keys, nextOffset);
        }
    }

    private static String time(long millis) {
        return millis == 0 ? "none yet" : Instant.ofEpochMilli(millis).toString();
    }

    /** The commit log files mapped into the broker process (Linux: /proc/pid/maps; elsewhere, none are listed). */
    private static List<String> mappedCommitLogFiles(long pid) throws IOException {
        Path maps = Path.of("/proc", Long.toString(pid), "maps");
        if (!Files.exists(maps)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.filter(l -> l.contains("/commitlog/")).map(l -> l.substring(l.lastIndexOf('/') + 1)).distinct().sorted().toList();
        }
    }

    /** Zeroes the second half of the record, in its file. */
    private static void tear(Path commitLog, CommitLogRecord record) throws IOException {
        long fileStart = record.physicalOffset() / StoreFiles.COMMIT_LOG_FILE_SIZE * StoreFiles.COMMIT_LOG_FILE_SIZE;
        Path file = commitLog.resolve(String.format("%020d", fileStart));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            int half = record.totalSize() / 2;
            channel.write(ByteBuffer.allocate(record.totalSize() - half), record.physicalOffset() - fileStart + half);
            channel.force(true);
        }
    }

    private static List<String> logLines(Path log, long from, String... markers) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
        return text.lines().filter(l -> Stream.of(markers).anyMatch(l::contains)).toList();
    }
}
