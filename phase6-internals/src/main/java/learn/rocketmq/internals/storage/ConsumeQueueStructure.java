package learn.rocketmq.internals.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.consumer.PullResultExt;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;

/**
 * The consume queue, read from the broker's files: per topic and queue, one 20-byte unit per
 * message pointing into the commit log, and the tag's hash code the broker filters on.
 * Roadmap: 6.1 Message Storage: ConsumeQueue structure.
 *
 * <p>The commit log holds every topic's messages mixed; a consumer reads one queue. So the broker's
 * dispatcher (ReputMessageService) appends, for each stored message, a unit to
 * {@code consumequeue/<topic>/<queueId>/}: where the record is, how long, and its tag's hash
 * code. A queue offset is a unit number; the files are named by their first byte's offset (unit
 * number x 20). Filtering by tag happens twice: the broker compares only hash codes, without
 * reading the message, and the client compares the tag strings. "Aa" and "BB" have the same hash
 * code (2112), so a consumer of "Aa" is sent the "BB" messages too and its client drops them.
 * The broker runs while the files are read: what it wrote is in the page cache, which a plain read
 * sees. Run it: {@code ./lesson ConsumeQueueStructure}.
 */
public class ConsumeQueueStructure {

    public static final List<String> TAGS = List.of("TagA", "BB", "Aa");

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, StoreFiles.topology())) {
            Result r = run(cluster, "LessonConsumeQueue", 10);
            System.out.printf("Done: %d units in %d queues; the broker sent %d messages for tag Aa, the client kept %d.%n",
                r.units().values().stream().mapToInt(List::size).sum(), r.units().size(), r.sentByBroker().size(), r.consumed().size());
        }
    }

    /**
     * Each queue's units read from its files; the first unit followed into the commit log; the tags
     * of the messages the broker sent for a subscription to "Aa", and of those the client handed on.
     */
    public record Result(Map<Integer, List<ConsumeQueueUnit>> units, CommitLogRecord followed, List<String> sentByBroker,
                         List<String> consumed) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int perTagAndQueue) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master(StoreFiles.BROKER);
        int total = 2 * TAGS.size() * perTagAndQueue;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 2);
            // 1. Into each of 2 queues: TagA, BB, Aa, TagA, BB, Aa, ... (each queue ends with an Aa).
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
            producer.start();
            try {
                for (int i = 0; i < perTagAndQueue; i++) {
                    for (String tag : TAGS) {
                        for (int queue = 0; queue < 2; queue++) {
                            String body = tag + " message " + i;
                            producer.send(new Message(topic, tag, body.getBytes(StandardCharsets.UTF_8)),
                                new MessageQueue(topic, StoreFiles.BROKER, queue));
                        }
                    }
                }
            } finally {
                producer.shutdown();
            }
            // The units are written by the dispatcher after the store: wait for the broker to count them all.
            Wait.until(Duration.ofSeconds(30), "the consume queues to hold " + total + " units", () -> admin.storedMessages(topic) == total);
            System.out.printf("1. Sent %d messages (tags %s) into queues 0 and 1 of %s%n", total, TAGS, topic);

            // 2. The units, read from the files of the running broker.
            Map<Integer, List<ConsumeQueueUnit>> units = new TreeMap<>();
            for (int queue = 0; queue < 2; queue++) {
                Path dir = broker.storeDir().resolve("consumequeue").resolve(topic).resolve(Integer.toString(queue));
                List<ConsumeQueueUnit> read = new ArrayList<>();
                for (Path file : StoreFiles.files(dir)) {
                    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
                    for (ConsumeQueueUnit u; (u = ConsumeQueueUnit.read(bytes, Long.parseLong(file.getFileName().toString()))) != null; ) {
                        read.add(u);
                    }
                    System.out.printf("2. %s: file %s (%d bytes), %d units%n", dir, file.getFileName(), Files.size(file), read.size());
                }
                units.put(queue, read);
            }
            for (ConsumeQueueUnit u : units.get(0).subList(0, 3)) {
                System.out.printf("   queue 0, offset %d: commit log offset %d, size %d, tags code %d%n", u.queueOffset(),
                    u.commitLogOffset(), u.size(), u.tagsCode());
            }

            // 3. A unit followed into the commit log: the record it points at is that message.
            ConsumeQueueUnit first = units.get(0).get(0);
            CommitLogRecord followed = StoreFiles.recordAt(broker.storeDir().resolve("commitlog"), first.commitLogOffset());
            System.out.printf("3. At commit log offset %d: a %d-byte record of %s, queue %d, queue offset %d, tag %s"
                    + " (\"%s\".hashCode() = %d, the unit's tags code)%n", first.commitLogOffset(), followed.totalSize(),
                followed.topic(), followed.queueId(), followed.queueOffset(), followed.properties().get("TAGS"),
                followed.properties().get("TAGS"), followed.properties().get("TAGS").hashCode());

            // 4. Tag filtering. The broker's filter: units whose tags code is "Aa".hashCode(), and BB's is the same.
            System.out.printf("4. \"Aa\".hashCode() = %d, \"BB\".hashCode() = %d, \"TagA\".hashCode() = %d%n", "Aa".hashCode(),
                "BB".hashCode(), "TagA".hashCode());
            String group = topic + "-group";
            admin.createConsumerGroup(group);
            List<String> sentByBroker = new ArrayList<>();
            for (int queue = 0; queue < 2; queue++) {
                sentByBroker.addAll(pullAsTheBrokerSendsIt(admin, broker.address(), group, topic, queue, "Aa"));
            }
            System.out.printf("   A raw pull request for \"Aa\": the broker sent %d messages, tags %s%n", sentByBroker.size(),
                sentByBroker.stream().distinct().sorted().toList());
            List<String> consumed = consume(rocketmq, group, topic, "Aa", perTagAndQueue * 2);
            System.out.printf("   A consumer of \"Aa\" received %d messages, tags %s: its client compared the tag strings%n",
                consumed.size(), consumed.stream().distinct().toList());
            return new Result(units, followed, sentByBroker, consumed);
        }
    }

    /**
     * One PULL_MESSAGE request, as a classic consumer sends it, without the client's own filtering:
     * the messages exactly as the broker returns them.
     */
    private static List<String> pullAsTheBrokerSendsIt(RocketMQAdmin admin, String brokerAddress, String group, String topic,
                                                       int queue, String tag) throws Exception {
        PullMessageRequestHeader request = new PullMessageRequestHeader();
        request.setConsumerGroup(group);
        request.setTopic(topic);
        request.setQueueId(queue);
        request.setQueueOffset(0L);
        request.setMaxMsgNums(1000);
        request.setSysFlag(PullSysFlag.buildSysFlag(false, false, true, false)); // a subscription, no long polling
        request.setCommitOffset(0L);
        request.setSuspendTimeoutMillis(0L);
        request.setSubscription(tag);
        request.setSubVersion(System.currentTimeMillis());
        request.setExpressionType(ExpressionType.TAG);
        PullResult result = admin.api().getDefaultMQAdminExtImpl().getMqClientInstance().getMQClientAPIImpl()
            .pullMessage(brokerAddress, request, 10_000, CommunicationMode.SYNC, null);
        if (result.getPullStatus() != PullStatus.FOUND) {
            return List.of();
        }
        return MessageDecoder.decodes(ByteBuffer.wrap(((PullResultExt) result).getMessageBinary())).stream()
            .map(MessageExt::getTags).toList();
    }

    /** What an application consuming {@code tag} gets: a lite pull consumer reading both queues from the start. */
    private static List<String> consume(RocketMQ rocketmq, String group, String topic, String tag, int expected) throws Exception {
        DefaultLitePullConsumer consumer = Clients.configure(new DefaultLitePullConsumer(group), rocketmq);
        List<String> consumed = new ArrayList<>();
        try {
            // Assigned and paused before start, so that no pull runs before the seeks.
            List<MessageQueue> queues = List.of(new MessageQueue(topic, StoreFiles.BROKER, 0), new MessageQueue(topic, StoreFiles.BROKER, 1));
            consumer.setSubExpressionForAssign(topic, tag);
            consumer.assign(queues);
            consumer.pause(queues);
            consumer.start();
            for (MessageQueue queue : queues) {
                consumer.seek(queue, 0);
            }
            consumer.resume(queues);
            // Each queue's last message is an Aa: once all of them are in, every BB before them was pulled too.
            Wait.until(Duration.ofSeconds(30), expected + " messages tagged " + tag, () -> {
                consumer.poll(500).forEach(m -> consumed.add(m.getTags()));
                return consumed.size() >= expected;
            });
        } finally {
            consumer.shutdown();
        }
        return consumed;
    }
}
