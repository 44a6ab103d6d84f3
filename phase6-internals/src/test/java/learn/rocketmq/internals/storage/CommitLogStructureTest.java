package learn.rocketmq.internals.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.junit.jupiter.api.Test;

/**
 * The lesson's decoder against RocketMQ's own: every record it reads is decoded again from the
 * same bytes by {@link MessageDecoder}, and the records per queue are what the broker (restarted on
 * the same files) reports as each queue's offsets.
 */
class CommitLogStructureTest {

    @Test
    void everyRecordDecodesAsRocketMQDecodesItAndTheFilesRollWithABlankMarker() throws Exception {
        int count = 300;
        try (RocketMQCluster cluster = CommitLogStructure.topology().start()) {
            CommitLogStructure.Result r = CommitLogStructure.run(cluster, UniqueNames.of("CommitLog"), count);
            RocketMQServer broker = cluster.master("broker-a");
            Path dir = broker.storeDir().resolve("commitlog");

            // Files named by their start offset, each FILE_SIZE long; all but the last end with a BLANK marker.
            assertThat(r.files()).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 0; i < r.files().size(); i++) {
                CommitLogStructure.LogFile f = r.files().get(i);
                assertThat(f.name()).matches("\\d{20}");
                assertThat(f.startOffset()).isEqualTo((long) i * CommitLogStructure.FILE_SIZE);
                assertThat(f.size()).isEqualTo(CommitLogStructure.FILE_SIZE);
                if (i < r.files().size() - 1) {
                    assertThat(f.blankSize()).as("%s ends with a BLANK marker", f.name()).isPositive();
                    assertThat(f.blankAt() + f.blankSize()).isEqualTo(f.startOffset() + f.size());
                } else {
                    assertThat(f.blankSize()).as("the last file is still being written").isZero();
                }
            }

            // Each record as RocketMQ's MessageDecoder reads the same bytes.
            List<CommitLogRecord> records = r.records().stream().filter(x -> !x.isBlank()).toList();
            for (CommitLogRecord x : records) {
                long fileStart = x.physicalOffset() / CommitLogStructure.FILE_SIZE * CommitLogStructure.FILE_SIZE;
                byte[] file = Files.readAllBytes(dir.resolve(UtilAll.offset2FileName(fileStart)));
                ByteBuffer bytes = ByteBuffer.wrap(file, (int) (x.physicalOffset() - fileStart), x.totalSize()).slice();
                MessageExt m = MessageDecoder.decode(bytes, true, false, false);
                assertThat(m).as("RocketMQ decodes the record at %d", x.physicalOffset()).isNotNull();
                assertThat(x.topic()).isEqualTo(m.getTopic());
                assertThat(x.queueId()).isEqualTo(m.getQueueId());
                assertThat(x.queueOffset()).isEqualTo(m.getQueueOffset());
                assertThat(x.physicalOffset()).isEqualTo(m.getCommitLogOffset()).isEqualTo(x.recordedPhysicalOffset());
                assertThat(x.sysFlag()).isEqualTo(m.getSysFlag());
                assertThat(x.bodyCrc()).isEqualTo(m.getBodyCRC());
                assertThat(x.bodyCrcMatches()).isTrue();
                assertThat(x.bornTimestamp()).isEqualTo(m.getBornTimestamp());
                assertThat(x.storeTimestamp()).isEqualTo(m.getStoreTimestamp());
                assertThat(x.bornHost()).isEqualTo(m.getBornHost());
                assertThat(x.storeHost()).isEqualTo(m.getStoreHost());
                assertThat(x.reconsumeTimes()).isEqualTo(m.getReconsumeTimes());
                assertThat(x.preparedTransactionOffset()).isEqualTo(m.getPreparedTransactionOffset());
                assertThat(x.body()).isEqualTo(m.getBody());
                assertThat(x.properties()).isEqualTo(m.getProperties());
            }

            // The lesson's messages: all there, the big one compressed, the transaction as half and committed copy.
            List<CommitLogRecord> ours = records.stream().filter(x -> r.topic().equals(x.topic())).toList();
            assertThat(ours).hasSize(count + 1);
            CommitLogRecord big = ours.stream().filter(x -> "big".equals(x.properties().get("KEYS"))).findFirst().orElseThrow();
            assertThat(big.compressed()).isTrue();
            assertThat(new String(UtilAll.uncompress(big.body()), StandardCharsets.UTF_8)).isEqualTo(CommitLogStructure.BIG_BODY);
            // The half message: in the half topic, its type reset to NOT by the broker; the committed copy points back at it.
            List<CommitLogRecord> half = records.stream().filter(x -> "RMQ_SYS_TRANS_HALF_TOPIC".equals(x.topic())
                && r.transactionTopic().equals(x.properties().get("REAL_TOPIC"))).toList();
            assertThat(half).singleElement().satisfies(x -> {
                assertThat(x.transactionType()).isEqualTo("NOT");
                assertThat(x.properties()).containsEntry("TRAN_MSG", "true");
            });
            assertThat(records).filteredOn(x -> r.transactionTopic().equals(x.topic())).singleElement().satisfies(x -> {
                assertThat(x.transactionType()).isEqualTo("COMMIT");
                assertThat(x.preparedTransactionOffset()).isEqualTo(half.get(0).physicalOffset());
            });

            // Restarted on the same files, the broker counts per queue what the decoder found.
            broker.restart();
            Map<Integer, Long> perQueue = ours.stream().collect(Collectors.groupingBy(CommitLogRecord::queueId, TreeMap::new,
                Collectors.counting()));
            try (RocketMQAdmin admin = RocketMQAdmin.connect(cluster.rocketMQ())) {
                Map<Integer, Long> brokerSays = new TreeMap<>();
                for (Map.Entry<MessageQueue, TopicOffset> e : admin.api().examineTopicStats(r.topic()).getOffsetTable().entrySet()) {
                    if (e.getValue().getMaxOffset() > 0) {
                        brokerSays.put(e.getKey().getQueueId(), e.getValue().getMaxOffset());
                    }
                }
                assertThat(perQueue).isEqualTo(brokerSays);
            }
        }
    }
}
