package learn.rocketmq.production.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One cluster for the storage lessons: FlushModes' two masters (broker-a ASYNC_FLUSH, broker-b
 * SYNC_FLUSH), broker-a also with CommitLogRetention's small files and 1 s clean-up checks.
 * Retention runs last: a broker's first clean-up check comes 60 s after its start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = FlushModes.topology().set("broker-a", "mappedFileSizeCommitLog", Integer.toString(CommitLogRetention.FILE_SIZE))
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
