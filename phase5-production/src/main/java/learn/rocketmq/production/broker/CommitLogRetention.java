package learn.rocketmq.production.broker;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;

/**
 * The commit log on disk: files of {@code mappedFileSizeCommitLog} bytes named by their start
 * offset, and their deletion by age ({@code fileReservedTime}, {@code deleteWhen}), consumed or not.
 * Roadmap: 5.1 Broker Configuration: Storage configuration.
 *
 * <p>A broker appends every message of every topic to one log, cut into files (1 GB by default;
 * 256 KB here, so a few hundred messages fill several). A file's name is the offset of its first
 * byte, zero-padded to 20 digits. Files are deleted whole, oldest first, when they are older than
 * {@code fileReservedTime} hours (72) <em>and</em> it is {@code deleteWhen} o'clock ("04"), or at once
 * when the disk is fuller than {@code diskMaxUsedSpaceRatio} (75 %), or when an operator asks
 * ({@code mqadmin deleteExpiredCommitLog}). RocketMQ never asks whether anyone has consumed them: a
 * group that falls behind by more than the retention loses messages, and its next pull starts at
 * the new oldest offset. The file being written is never deleted (nor the next one, which the
 * broker allocates ahead so that a roll does not wait for the disk). The check runs every
 * {@code cleanResourceInterval} (10 s; 1 s here), the first time 60 s after the broker started. Here {@code fileReservedTime=0}
 * makes every full file expired, and the operator's command deletes them now. When the disk is
 * fuller than {@code diskSpaceWarningLevelRatio} (90 %), the broker refuses every write until it is
 * not: the producer sees "service not available ... the broker's disk is full".
 * Run it: {@code ./lesson CommitLogRetention}.
 */
public class CommitLogRetention {

    /** mappedFileSizeCommitLog here: 256 KB (default 1 GB). */
    public static final int FILE_SIZE = 256 * 1024;

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "broker-a", "LessonCommitLogRetention", 600);
            System.out.printf("Done: %d commit log files, %d deleted; %d of %d unconsumed messages gone with them.%n",
                r.filesBefore().size(), r.filesBefore().size() - r.filesAfter().size(), r.sent() - r.storedAfter(), r.sent());
        }
    }

    /** One broker with 256 KB commit log files, checking for files to delete every second (default 10 s). */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a")
            .set("mappedFileSizeCommitLog", Integer.toString(FILE_SIZE)).set("cleanResourceInterval", "1000");
    }

    public record Result(int sent, Map<String, Long> filesBefore, String writing, long storedBefore, Map<String, Long> filesAfter,
                         long storedAfter, double diskUsedPercent, String diskFullError, String sendAfterDiskOk) {
    }

    public static Result run(RocketMQCluster cluster, String brokerName, String topic, int count) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master(brokerName);
        Path commitlog = broker.storeDir().resolve("commitlog");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopicOn(List.of(broker.address()), topic, TopicMessageType.NORMAL, 4);
            // 1. Messages nobody consumes: count x 1 KB fill a few 256 KB files.
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer("retention-producer"), rocketmq);
            producer.start();
            SendResult last = null;
            try {
                for (int i = 0; i < count; i++) {
                    last = producer.send(new Message(topic, new byte[1024]));
                }
            } finally {
                producer.shutdown();
            }
            // The offset message id holds the message's place in the commit log: which file is being written.
            long lastOffset = MessageDecoder.decodeMessageId(last.getOffsetMsgId()).getOffset();
            String writing = String.format("%020d", lastOffset / FILE_SIZE * FILE_SIZE);
            Map<String, Long> before = files(commitlog);
            long storedBefore = admin.storedMessages(topic);
            System.out.printf("1. %d messages sent, none consumed; %s holds %d files (name = start offset: size):%n", count,
                commitlog, before.size());
            before.forEach((name, size) -> System.out.printf("     %s: %d bytes%s%n", name, size, name.equals(writing)
                ? " (being written: the last message is at " + lastOffset + ")"
                : name.compareTo(writing) > 0 ? " (allocated ahead, empty)" : ""));

            // 2. Every full file expired (fileReservedTime=0 hours), and the operator's delete.
            //    Both are what mqadmin does: updateBrokerConfig -k fileReservedTime -v 0, deleteExpiredCommitLog.
            Properties expireAll = new Properties();
            expireAll.setProperty("fileReservedTime", "0");
            admin.api().updateBrokerConfig(broker.address(), expireAll);
            admin.api().deleteExpiredCommitLogByAddr(broker.address());
            // The broker looks for files to delete every cleanResourceInterval, the first time 60 s after it started.
            long t0 = System.nanoTime();
            Wait.until(Duration.ofSeconds(90), "the expired files to be deleted",
                () -> files(commitlog).keySet().stream().allMatch(name -> name.compareTo(writing) >= 0));
            Wait.until(Duration.ofSeconds(30), "the queues' oldest offsets to move", () -> admin.storedMessages(topic) < storedBefore);
            Map<String, Long> after = files(commitlog);
            long storedAfter = admin.storedMessages(topic);
            System.out.printf("2. fileReservedTime=0 and deleteExpiredCommitLog: after %d s, %d file(s) left %s; the topic holds %d"
                + " of its %d messages, the others are gone unconsumed%n", (System.nanoTime() - t0) / 1_000_000_000L, after.size(),
                after.keySet(), storedAfter, storedBefore);

            // 3. Back to the default, three days.
            Properties keep = new Properties();
            keep.setProperty("fileReservedTime", "72");
            admin.api().updateBrokerConfig(broker.address(), keep);

            // 4. A full disk: above diskSpaceWarningLevelRatio (90 %) the broker refuses every write.
            //    It takes values down to 35 % only, so this step needs a disk at least that full.
            double used = usedPercent(commitlog);
            String diskFullError = null;
            String afterwards = null;
            if (used > 36) {
                diskFullError = sendWithLevel(admin, broker, rocketmq, topic, 35);
                afterwards = sendWithLevel(admin, broker, rocketmq, topic, 90);
                System.out.printf("4. This disk is %.0f %% used; with diskSpaceWarningLevelRatio=35 the producer gets:%n   %s%n"
                    + "   Back at 90: %s%n", used, diskFullError, afterwards);
            } else {
                System.out.printf("4. This disk is only %.0f %% used, below the lowest diskSpaceWarningLevelRatio the broker takes (35):"
                    + " it cannot be made to call this disk full%n", used);
            }
            return new Result(count, before, writing, storedBefore, after, storedAfter, used, diskFullError, afterwards);
        }
    }

    /**
     * Sets the warning level, then sends until the broker's next disk check (every
     * cleanResourceInterval) shows in the answer: the error while it calls the disk full, "SEND_OK" once not.
     */
    private static String sendWithLevel(RocketMQAdmin admin, RocketMQServer broker, RocketMQ rocketmq, String topic, int level)
        throws Exception {
        Properties ratio = new Properties();
        ratio.setProperty("diskSpaceWarningLevelRatio", Integer.toString(level)); // mqadmin updateBrokerConfig
        admin.api().updateBrokerConfig(broker.address(), ratio);
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer("disk-full-producer"), rocketmq);
        producer.start();
        try {
            String[] answer = new String[1];
            Wait.until(Duration.ofSeconds(30), "the broker's disk check", () -> {
                try {
                    answer[0] = producer.send(new Message(topic, new byte[1024])).getSendStatus().toString();
                } catch (Exception e) {
                    // The producer's own summary ("Send [3] times, still failed") wraps the broker's answer.
                    Throwable cause = e;
                    while (cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    answer[0] = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
                }
                return level < 90 != answer[0].equals("SEND_OK");
            });
            return answer[0];
        } finally {
            producer.shutdown();
        }
    }

    /** How full the disk is, as the broker computes it (UtilAll.getDiskPartitionSpaceUsedPercent). */
    static double usedPercent(Path dir) {
        java.io.File f = dir.toFile();
        long used = f.getTotalSpace() - f.getFreeSpace();
        return 100.0 * used / (used + f.getUsableSpace());
    }

    /** The files in dir and their sizes. The broker deletes while we look: a file listed, then gone, is left out. */
    private static Map<String, Long> files(Path dir) throws Exception {
        Map<String, Long> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                try {
                    files.put(p.getFileName().toString(), Files.size(p));
                } catch (NoSuchFileException deletedMeanwhile) {
                    // deleted between the listing and this look at its size
                }
            }
        }
        return files;
    }
}
