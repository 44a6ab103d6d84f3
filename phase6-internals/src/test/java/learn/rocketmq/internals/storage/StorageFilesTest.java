package learn.rocketmq.internals.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The storage lessons' decoders against RocketMQ itself, on one broker they share (each on topics
 * of its own): {@code ConsumeQueueStructure} and {@code IndexFileStructure} read the files of the
 * running broker; {@code CommitLogStructure} stops and restarts it, and {@code MessagePersistence}
 * kills it, damages its commit log and restarts it, so they come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageFilesTest {

    private static RocketMQCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = StoreFiles.topology().start();
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void consumeQueueUnitsPointAtTheirMessagesAndTheBrokerFiltersTagsByHashCode() throws Exception {
        String topic = UniqueNames.of("ConsumeQueue");
        int perTagAndQueue = 6;
        ConsumeQueueStructure.Result r = ConsumeQueueStructure.run(cluster, topic, perTagAndQueue);

        // Every unit is the message a consumer reads at that queue offset: same record, size and tag hash.
        Map<Integer, List<ConsumeQueueUnit>> units = r.units();
        assertThat(units.keySet()).containsExactly(0, 1);
        List<MessageQueue> queues = List.of(new MessageQueue(topic, StoreFiles.BROKER, 0), new MessageQueue(topic, StoreFiles.BROKER, 1));
        DefaultLitePullConsumer reader = Clients.configure(new DefaultLitePullConsumer(UniqueNames.of("ConsumeQueueReader")),
            cluster.rocketMQ());
        Map<Integer, List<MessageExt>> messages = new TreeMap<>(Map.of(0, new ArrayList<>(), 1, new ArrayList<>()));
        reader.assign(queues);
        reader.pause(queues);
        reader.start();
        try {
            for (MessageQueue mq : queues) {
                reader.seek(mq, 0);
            }
            reader.resume(queues);
            int perQueue = ConsumeQueueStructure.TAGS.size() * perTagAndQueue;
            Wait.until(Duration.ofSeconds(30), "both queues read back", () -> {
                reader.poll(500).forEach(m -> messages.get(m.getQueueId()).add(m));
                return messages.get(0).size() >= perQueue && messages.get(1).size() >= perQueue;
            });
        } finally {
            reader.shutdown();
        }
        for (int queue = 0; queue < 2; queue++) {
            List<ConsumeQueueUnit> read = units.get(queue);
            assertThat(read).hasSize(ConsumeQueueStructure.TAGS.size() * perTagAndQueue);
            assertThat(messages.get(queue)).hasSize(read.size());
            for (int i = 0; i < read.size(); i++) {
                ConsumeQueueUnit u = read.get(i);
                MessageExt m = messages.get(queue).get(i);
                assertThat(u.queueOffset()).isEqualTo(m.getQueueOffset()).isEqualTo(i);
                assertThat(u.commitLogOffset()).isEqualTo(m.getCommitLogOffset());
                assertThat(u.size()).isEqualTo(m.getStoreSize());
                assertThat(u.tagsCode()).isEqualTo(m.getTags().hashCode());
            }
        }

        // The unit followed into the commit log is queue 0's first message.
        assertThat(r.followed().topic()).isEqualTo(topic);
        assertThat(r.followed().queueId()).isZero();
        assertThat(r.followed().queueOffset()).isZero();
        assertThat(r.followed().physicalOffset()).isEqualTo(units.get(0).get(0).commitLogOffset());

        // The broker sends Aa and BB (same hash), never TagA; the client keeps Aa only.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat(r.sentByBroker()).hasSize(2 * 2 * perTagAndQueue).containsOnly("Aa", "BB");
        assertThat(r.consumed()).hasSize(2 * perTagAndQueue).containsOnly("Aa");
    }

    @Test
    @Order(2)
    void aKeyFoundFromTheIndexFileAloneIsWhatTheBrokersQueryFinds() throws Exception {
        String topic = UniqueNames.of("IndexFile");
        int perKey = 3;
        IndexFileStructure.Result r = IndexFileStructure.run(cluster, topic, perKey);

        // The header as the broker keeps it, and the file sized by the broker's settings.
        assertThat(r.files()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.slotCount()).isEqualTo(10_000);
            assertThat(f.file().capacity()).isEqualTo(IndexFileContents.HEADER_SIZE + 10_000 * 4 + 40_000 * 20);
            assertThat(f.name()).matches("\\d{17}"); // yyyyMMddHHmmssSSS
            assertThat(f.indexCount()).isGreaterThan(1);
            assertThat(f.endTimestamp()).isGreaterThanOrEqualTo(f.beginTimestamp());
            assertThat(f.endPhysicalOffset()).isGreaterThanOrEqualTo(f.beginPhysicalOffset());
        });
        // The file alone finds exactly the commit log offsets the broker's query by key finds.
        assertThat(r.fromBroker()).hasSize(perKey);
        assertThat(r.fromFile()).isEqualTo(r.fromBroker());
        // The chain holds the key's entries, newest first, each pointing back to an older one.
        assertThat(r.chain()).extracting(IndexFileContents.Entry::number).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(r.chain().get(r.chain().size() - 1).previous()).isZero();
        // Time in the index is whole seconds after the file's begin: never later, less than a second earlier.
        assertThat(r.timings()).hasSize(r.chain().size()).allSatisfy(t ->
            assertThat(t.storedMillis() - t.indexedMillis()).isBetween(0L, 999L));
        // A message is indexed by its key, its unique id and its tag: all three lead to it.
        assertThat(r.foundByEach()).allSatisfy(found -> assertThat(found).contains(r.oneMessageOffset()));
        assertThat(r.foundByEach().get(1)).as("a unique id finds one message").containsExactly(r.oneMessageOffset());
        assertThat(r.foundByEach().get(2)).as("the tag finds every message of the topic").hasSizeGreaterThanOrEqualTo(IndexFileStructure.KEYS * perKey);
    }

    @Test
    @Order(3)
    void everyRecordDecodesAsRocketMQDecodesItAndTheFilesRollWithABlankMarker() throws Exception {
        int count = 300;
        {
            CommitLogStructure.Result r = CommitLogStructure.run(cluster, UniqueNames.of("CommitLog"), count);
            RocketMQServer broker = cluster.master(StoreFiles.BROKER);
            Path dir = broker.storeDir().resolve("commitlog");

            // Files named by their start offset, each FILE_SIZE long; all but the last end with a BLANK marker.
            assertThat(r.files()).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 0; i < r.files().size(); i++) {
                CommitLogStructure.LogFile f = r.files().get(i);
                assertThat(f.name()).matches("\\d{20}");
                assertThat(f.startOffset()).isEqualTo((long) i * StoreFiles.COMMIT_LOG_FILE_SIZE);
                assertThat(f.size()).isEqualTo(StoreFiles.COMMIT_LOG_FILE_SIZE);
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
                long fileStart = x.physicalOffset() / StoreFiles.COMMIT_LOG_FILE_SIZE * StoreFiles.COMMIT_LOG_FILE_SIZE;
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

    @Test
    @Order(4)
    void aKilledBrokerKeepsWhatItAcknowledgedAndRecoveryCutsATornRecordOffTheEnd() throws Exception {
        String topic = UniqueNames.of("Persistence");
        int count = 40;
        MessagePersistence.Result r = MessagePersistence.run(cluster, topic, count);

        assertThat(r.flushDiskType()).isEqualTo("ASYNC_FLUSH");
        assertThat(r.mappedCommitLogFiles()).as("the broker maps its commit log files").isNotEmpty()
            .allSatisfy(name -> assertThat(name).matches("\\d{20}"));
        assertThat(r.acknowledged()).isEqualTo(count);
        // A process kill: the abort file stays, and every acknowledged message is in the files.
        assertThat(r.abortFileAfterKill()).isTrue();
        assertThat(r.foundAfterKill()).isEqualTo(count);
        // Recovery took the crash path and cut the log at the torn record: every complete record kept, the torn one gone.
        assertThat(r.recoveryLog()).anySatisfy(line -> assertThat(line).contains("recoverAbnormally"));
        assertThat(r.storedAfterRecovery()).isEqualTo(count - 1);
        Set<String> expected = IntStream.range(0, count - 1).mapToObj(i -> "m-" + i).collect(Collectors.toSet());
        assertThat(r.tornKey()).isEqualTo("m-" + (count - 1));
        assertThat(r.consumedKeys()).isEqualTo(expected);
        // The log goes on from where the torn record began.
        assertThat(r.nextMessageOffset()).isEqualTo(r.tornOffset());
        // The checkpoint's timestamps are store times of this run's messages (or 0 before a first flush).
        assertThat(r.checkpoint().physicMsgTimestamp()).isLessThanOrEqualTo(System.currentTimeMillis());
    }
}
