package learn.rocketmq.production.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One cluster for the broker configuration lessons: FlushModes' two masters (broker-a
 * ASYNC_FLUSH, broker-b SYNC_FLUSH), broker-a also with CommitLogRetention's small files and 1 s
 * clean-up checks, and PerformanceTuning's two (broker-c as installed, broker-d tuned).
 * Retention runs last: a broker's first clean-up check comes 60 s after its start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerConfigurationTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PerformanceTuning.brokers(FlushModes.topology(), "broker-c", "broker-d")
            .set("broker-a", "mappedFileSizeCommitLog", Integer.toString(CommitLogRetention.FILE_SIZE))
            .set("broker-a", "cleanResourceInterval", "1000").start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void flushModesSyncFlushAcknowledgesOnlyWhatIsOnDiskAsyncFlushAcknowledgesBeforeIt() throws Exception {
        FlushModes.Result r = FlushModes.run(cluster, UniqueNames.of("FlushModes"), 200);

        assertThat(r.fsyncMillis()).isPositive();
        assertThat(r.sync().flushDiskType()).isEqualTo("SYNC_FLUSH");
        assertThat(r.sync().unflushedAfterAck()).as("SYNC_FLUSH: nothing acknowledged is only in memory").isZero();
        assertThat(r.async().unflushedAfterAck()).as("ASYNC_FLUSH: acknowledged before it was flushed").isPositive();
        assertThat(r.async().p50Millis()).isPositive();
        assertThat(r.sync().p50Millis()).isPositive();
    }

    @Test
    @Order(2)
    void performanceTuningEachSettingChangesWhatTheBrokerDoesOrAnswers() throws Exception {
        PerformanceTuning.Result r = PerformanceTuning.run(cluster, "broker-c", "broker-d", UniqueNames.of("PerformanceTuning"), 1000);

        // The start-time settings: the baseline runs RocketMQ's defaults, the tuned one its own.
        int defaultThreads = Math.min(Runtime.getRuntime().availableProcessors(), 4);
        assertThat(r.baseline().settings()).containsEntry("sendMessageThreadPoolNums", Integer.toString(defaultThreads))
            .containsEntry("useReentrantLockWhenPutMessage", "true").containsEntry("transientStorePoolEnable", "false");
        assertThat(r.tuned().settings()).containsEntry("sendMessageThreadPoolNums", "1")
            .containsEntry("useReentrantLockWhenPutMessage", "false").containsEntry("transientStorePoolEnable", "true");
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertThat(r.baseline().sendThreads()).as("send threads of the default broker").isEqualTo(defaultThreads);
            assertThat(r.tuned().sendThreads()).as("send threads of the tuned broker").isEqualTo(1);
        }
        assertThat(r.baseline().perSecond()).isPositive();
        assertThat(r.tuned().perSecond()).isPositive();
        // transientStorePoolEnable: acknowledged while still in the broker's own buffer; never without it.
        // (20 sends of 1 KB cross the 16 KB commit threshold at most three times.)
        assertThat(r.baseline().uncommittedAfterAck()).isZero();
        assertThat(r.tuned().uncommittedAfterAck()).isGreaterThan(PerformanceTuning.CHECKED / 2);

        // Every async send answered: stored, or turned away with the broker's reason.
        assertThat(r.sendQueue()).extracting(PerformanceTuning.Burst::setting).containsExactly(1L, 200L, 1000L);
        assertThat(r.sendQueue()).allSatisfy(b -> assertThat(b.otherErrors()).isZero());
        assertThat(r.sendQueue().get(0).busy()).as("a 1 ms send queue budget turns part of a burst away").isPositive();
        assertThat(r.sendQueue().get(0).answer()).startsWith("[TIMEOUT_CLEAN_QUEUE]broker busy");
        assertThat(r.sendQueue().get(2).busy()).as("1000 ms: fewer").isLessThan(r.sendQueue().get(0).busy());
        assertThat(r.pageCache()).extracting(PerformanceTuning.Burst::setting).containsExactly(1000L, 0L);
        assertThat(r.pageCache()).allSatisfy(b -> assertThat(b.otherErrors()).isZero());
        assertThat(r.pageCache().get(1).busy()).as("0 ms: every write counts as a busy page cache").isPositive();
        // Whichever check met the busy lock first: the queue sweep, the request's arrival, or the store.
        assertThat(r.pageCache().get(1).answer()).containsPattern("^\\[(PCBUSY_CLEAN_QUEUE|REJECTREQUEST|PC_SYNCHRONIZED)\\]");
        assertThat(r.pageCache().get(0).busy()).as("1000 ms: fewer").isLessThan(r.pageCache().get(1).busy());

        // A mistyped key: the broker takes it without a word; the lesson reads it back and says so.
        try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
            assertThatThrownBy(() -> PerformanceTuning.update(admin, cluster.master("broker-d"), "waitTimeMillisInSendQueue", 5))
                .hasMessageContaining("did not take waitTimeMillisInSendQueue=5").hasMessageContaining("\"Mills\"");
        }
    }

    @Test
    @Order(3)
    void commitLogRetentionFilesAreNamedByOffsetAndDeletedByAgeConsumedOrNot() throws Exception {
        int sent = 600;
        CommitLogRetention.Result r = CommitLogRetention.run(cluster, "broker-a", UniqueNames.of("CommitLogRetention"), sent);

        // Fixed-size files, each named by the offset of its first byte: the previous one's + 256 KB.
        List<String> names = new ArrayList<>(r.filesBefore().keySet());
        assertThat(names).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < names.size(); i++) {
            assertThat(names.get(i)).hasSize(20);
            assertThat(Long.parseLong(names.get(i))).isEqualTo(Long.parseLong(names.get(0)) + (long) i * CommitLogRetention.FILE_SIZE);
        }
        assertThat(r.filesBefore().values()).containsOnly((long) CommitLogRetention.FILE_SIZE);
        assertThat(r.storedBefore()).isEqualTo(sent);
        // Deleted by age: only the file being written (and the next, allocated ahead) is left, and
        // with the others went messages nobody had consumed.
        assertThat(names).contains(r.writing());
        assertThat(r.filesAfter().keySet()).containsExactlyElementsOf(names.subList(names.indexOf(r.writing()), names.size()));
        assertThat(names.indexOf(r.writing())).as("full files were there to delete").isGreaterThanOrEqualTo(2);
        assertThat(r.storedAfter()).isPositive().isLessThan(sent);
        // A disk the broker calls full refuses writes, and takes them again once it does not. (A
        // disk less than 36 % used cannot be called full: the broker's lowest level is 35 %.)
        if (r.diskUsedPercent() > 36) {
            assertThat(r.diskFullError()).contains("CODE: 14").contains("the broker's disk is full");
            assertThat(r.sendAfterDiskOk()).isEqualTo("SEND_OK");
        } else {
            assertThat(r.diskFullError()).isNull();
        }
    }
}
