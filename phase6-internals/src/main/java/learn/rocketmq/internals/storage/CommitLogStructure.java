package learn.rocketmq.internals.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The commit log, read from the broker's own files: every message of every topic, one record after
 * the other, in files named by the offset they start at.
 * Roadmap: 6.1 Message Storage: CommitLog structure.
 *
 * <p>A broker appends each message it stores to the current file of {@code store/commitlog/}
 * (1 GB each by default, 256 KB here so that a file fills up). A file is named by its first
 * byte's offset in the whole log, 20 digits: {@code 00000000000000000000}, then
 * {@code 00000000000000262144}. A record never spans two files: when the next one does not fit, the
 * broker writes a BLANK marker (its size and magic code) over the rest of the file and goes on in
 * the next. Consume queues and the index only point into these files. A transactional message is
 * there twice: the half message in {@code RMQ_SYS_TRANS_HALF_TOPIC} (its transaction type reset to
 * NOT by the broker; {@code TRAN_MSG} and {@code REAL_TOPIC} say what it is), and on commit a copy
 * in the real topic, type COMMIT, pointing back at the half's offset. The record's layout is in
 * {@link CommitLogRecord}; here the broker is stopped first (a clean shutdown flushes everything)
 * and the files are read as plain bytes. Run it: {@code ./lesson CommitLogStructure}.
 */
public class CommitLogStructure {

    /** Over the classic producer's compressMsgBodyOverHowmuch (4 KB): it is sent compressed. */
    public static final String BIG_BODY = "8 KB of repeated text. ".repeat(360);

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, StoreFiles.topology())) {
            Result r = run(cluster, "LessonCommitLogStructure", 300);
            System.out.printf("Done: %d commit log files, %d records (%d of the lesson's topics), %d BLANK marker(s).%n",
                r.files().size(), r.records().stream().filter(x -> !x.isBlank()).count(),
                r.records().stream().filter(x -> x.topic() != null && x.topic().startsWith("LessonCommitLogStructure")).count(),
                r.records().stream().filter(CommitLogRecord::isBlank).count());
        }
    }

    /** One commit log file: its name, the offset it starts at, its size, and what it holds. */
    public record LogFile(String name, long startOffset, long size, int records, long blankAt, int blankSize) {
    }

    public record Result(List<LogFile> files, List<CommitLogRecord> records, String topic, String transactionTopic) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int count) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master(StoreFiles.BROKER);
        String transactionTopic = topic + "-tx";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createTopic(transactionTopic, TopicMessageType.TRANSACTION, 1);
            // 1. Messages of 1 KB, one of 8 KB (the classic producer compresses a body over 4 KB),
            //    and a transactional one that is committed.
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
            producer.start();
            try {
                byte[] kilobyte = new byte[1024];
                Arrays.fill(kilobyte, (byte) 'k');
                for (int i = 0; i < count; i++) {
                    producer.send(new Message(topic, "TagA", "key-" + i, kilobyte));
                }
                producer.send(new Message(topic, "TagB", "big", BIG_BODY.getBytes(StandardCharsets.UTF_8)));
            } finally {
                producer.shutdown();
            }
            sendTransactional(rocketmq, transactionTopic);
            Wait.until(Duration.ofSeconds(30), "the committed transactional message", () -> admin.storedMessages(transactionTopic) == 1);
            System.out.printf("1. Sent %d messages of 1 KB and one of 8 KB to %s, one transactional message to %s%n", count, topic,
                transactionTopic);
        }

        // 2. A clean stop: the broker flushes its files and they stay where they are.
        broker.stop();
        Path dir = broker.storeDir().resolve("commitlog");
        List<LogFile> files = new ArrayList<>();
        List<CommitLogRecord> records = new ArrayList<>();
        for (Path file : StoreFiles.files(dir)) {
            files.add(readFile(file, records));
        }
        System.out.printf("2. Broker stopped; %s holds %d files of %d bytes:%n", dir, files.size(), StoreFiles.COMMIT_LOG_FILE_SIZE);
        for (LogFile f : files) {
            System.out.printf("   %s  starts at offset %d: %d records, then %s%n", f.name(), f.startOffset(), f.records(),
                f.blankSize() > 0 ? "a BLANK marker at " + f.blankAt() + " over the last " + f.blankSize() + " bytes"
                    : "nothing written from offset " + f.blankAt());
        }

        // 3. Three records, field by field.
        CommitLogRecord first = records.stream().filter(x -> topic.equals(x.topic())).findFirst().orElseThrow();
        CommitLogRecord big = records.stream().filter(x -> "big".equals(x.properties().get("KEYS"))).findFirst().orElseThrow();
        System.out.printf("3. The first record of %s:%n%s%n", topic, describe(first));
        System.out.printf("   The 8 KB one: compressed %b (sysFlag %d), %d bytes stored for %d sent%n", big.compressed(),
            big.sysFlag(), big.body().length, BIG_BODY.length());
        for (CommitLogRecord x : records) {
            if (!x.isBlank() && (transactionTopic.equals(x.topic()) || transactionTopic.equals(x.properties().get("REAL_TOPIC")))) {
                System.out.printf("   Transactional: at offset %d in %s, transaction type %s, TRAN_MSG=%s, REAL_TOPIC=%s,"
                    + " prepared transaction offset %d%n", x.physicalOffset(), x.topic(), x.transactionType(),
                    x.properties().get("TRAN_MSG"), x.properties().get("REAL_TOPIC"), x.preparedTransactionOffset());
            }
        }
        return new Result(files, records, topic, transactionTopic);
    }

    /** Walks one file record by record, adding them to {@code records}, until a BLANK marker or the unwritten tail. */
    private static LogFile readFile(Path file, List<CommitLogRecord> records) throws IOException {
        long startOffset = Long.parseLong(file.getFileName().toString()); // the name is the offset
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)); // a file is small here; a real one, 1 GB: map it
        int count = 0;
        while (true) {
            int at = buffer.position();
            CommitLogRecord record = CommitLogRecord.read(buffer, startOffset);
            if (record == null) {
                return new LogFile(file.getFileName().toString(), startOffset, buffer.limit(), count, startOffset + at, 0);
            }
            records.add(record);
            if (record.isBlank()) {
                return new LogFile(file.getFileName().toString(), startOffset, buffer.limit(), count, startOffset + at,
                    record.totalSize());
            }
            count++;
        }
    }

    private static String describe(CommitLogRecord x) {
        return String.format("""
               total size %d, magic %s, body CRC %d (matches the body: %b), queue %d, queue offset %d,
               physical offset %d (recorded: %d), sysFlag %d (transaction %s), born %d at %s, stored %d at %s,
               reconsume times %d, body %d bytes, topic %s, properties %s""",
            x.totalSize(), Integer.toHexString(x.magicCode()), x.bodyCrc(), x.bodyCrcMatches(), x.queueId(), x.queueOffset(),
            x.physicalOffset(), x.recordedPhysicalOffset(), x.sysFlag(), x.transactionType(), x.bornTimestamp(), x.bornHost(),
            x.storeTimestamp(), x.storeHost(), x.reconsumeTimes(), x.body().length, x.topic(), x.properties());
    }

    private static void sendTransactional(RocketMQ rocketmq, String topic) throws Exception {
        TransactionMQProducer producer = Clients.configure(new TransactionMQProducer(topic + "-producer"), rocketmq);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.COMMIT_MESSAGE; // the local transaction committed
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        producer.start();
        try {
            producer.sendMessageInTransaction(new Message(topic, "TagT", "tx-1", "order paid".getBytes(StandardCharsets.UTF_8)), null);
        } finally {
            producer.shutdown();
        }
    }
}
