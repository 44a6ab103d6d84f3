package learn.rocketmq.production.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Replication, with loss counted: messages sent while the slave is down, then the master's machine
 * lost for good; what a consumer finds on the slave, against what the producer was told was
 * stored.
 * Roadmap: 5.1 Broker Configuration: Replication configuration.
 *
 * <p>{@code ASYNC_MASTER} (RocketMQ's default) answers SEND_OK once the message is on the master;
 * its slaves copy it a moment later. {@code SYNC_MASTER} waits for {@code inSyncReplicas}
 * replicas, the master included, and {@code inSyncReplicas} is 1 by default: a SYNC_MASTER of
 * 5.5.0 left at its defaults answers exactly like an ASYNC one. With {@code inSyncReplicas=2} it
 * waits for the slave up to {@code slaveTimeout} (3 s by default, 1 s here), then answers
 * {@code FLUSH_SLAVE_TIMEOUT}, also when the slave is down: the message is on the master, but the
 * producer is told it is not safe (the classic producer does not retry it elsewhere unless
 * {@code retryAnotherBrokerWhenNotStoreOK}). A killed broker process
 * loses nothing (the OS keeps what it wrote); what replication guards against is a lost machine
 * or disk, which is what this lesson plays by never restarting the masters. Run it:
 * {@code ./lesson ReplicationLoss} (a NameServer and two groups of a master and a slave).
 */
public class ReplicationLoss {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonReplicationLoss", "lesson-replication-loss", 10, 5);
            System.out.printf("Done: acknowledged and lost with the master: ASYNC_MASTER %d of %d, SYNC_MASTER with"
                + " inSyncReplicas=1 %d of %d, with inSyncReplicas=2 %d of %d (its other sends: %s).%n",
                r.asyncMaster().lost(), r.asyncMaster().acknowledged(), r.syncOneReplica().lost(), r.syncOneReplica().acknowledged(),
                r.syncTwoReplicas().lost(), r.syncTwoReplicas().acknowledged(), r.syncTwoReplicas().notOk());
        }
    }

    /** broker-a: ASYNC_MASTER and a slave; broker-b: SYNC_MASTER and a slave; the slave wait 1 s; slaves serve reads. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology()
            .brokerGroup("broker-a", 1, RocketMQCluster.Replication.ASYNC)
            .brokerGroup("broker-b", 1, RocketMQCluster.Replication.SYNC)
            .set("slaveTimeout", "1000")
            .set("slaveReadEnable", "true"); // a slave refuses every pull otherwise (lesson BrokerRoles)
    }

    /** One way of replicating: sends acknowledged (SEND_OK), the other statuses, and acknowledged messages the slave lacks. */
    public record Outcome(int acknowledged, Map<SendStatus, Integer> notOk, int lost) {
    }

    public record Result(int replicatedBefore, Outcome asyncMaster, Outcome syncOneReplica, Outcome syncTwoReplicas) {
    }

    public static Result run(RocketMQCluster cluster, String topic, String group, int before, int during) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        String topicA = topic + "-async";
        String topicB = topic + "-sync";
        RocketMQServer masterA = cluster.master("broker-a");
        RocketMQServer slaveA = cluster.slave("broker-a", 1);
        RocketMQServer masterB = cluster.master("broker-b");
        RocketMQServer slaveB = cluster.slave("broker-b", 1);
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // A topic on each group, on its master and its slave (the slave serves it once the master is gone).
            admin.createTopicOn(List.of(masterA.address(), slaveA.address()), topicA, TopicMessageType.NORMAL, 4);
            admin.createTopicOn(List.of(masterB.address(), slaveB.address()), topicB, TopicMessageType.NORMAL, 4);
            producer.start();

            // 1. Sends while the slaves keep up: once they have copied them, these are safe.
            Map<String, SendStatus> sent = new TreeMap<>();
            send(producer, topicA, "replicated", before, sent);
            send(producer, topicB, "replicated", before, sent);
            for (RocketMQServer master : List.of(masterA, masterB)) {
                Wait.until(Duration.ofSeconds(30), "the slave of " + master.name() + " to catch up",
                    () -> admin.slavesCaughtUp(master.address())); // mqadmin haStatus
            }
            System.out.printf("1. %d messages to each group; both slaves have caught up%n", before);

            // 2. The slaves go down (a crash, a network cut): the masters take sends on their own.
            slaveA.kill();
            slaveB.kill();
            send(producer, topicA, "async", during, sent);
            send(producer, topicB, "sync-1", during, sent);
            Properties twoReplicas = new Properties();
            twoReplicas.setProperty("inSyncReplicas", "2"); // mqadmin updateBrokerConfig -k inSyncReplicas -v 2
            admin.api().updateBrokerConfig(masterB.address(), twoReplicas);
            send(producer, topicB, "sync-2", during, sent);
            System.out.printf("2. Slaves down; %d more to each: ASYNC_MASTER %s; SYNC_MASTER (inSyncReplicas=1) %s;"
                + " SYNC_MASTER (inSyncReplicas=2) %s%n", during, statuses(sent, "async"), statuses(sent, "sync-1"),
                statuses(sent, "sync-2"));

            // 3. Both masters' machines are lost (killed, never to return); the slaves come back on their stores.
            masterA.kill();
            masterB.kill();
            slaveA.restart();
            slaveB.restart();
            System.out.println("3. Both masters lost for good; the slaves, back, are all that is left");

            // 4. Read everything each slave holds.
            Set<String> onSlaves = readAll(rocketmq, admin, group, Map.of(topicA, slaveA, topicB, slaveB));
            Outcome async = outcome(sent, onSlaves, "async");
            Outcome sync1 = outcome(sent, onSlaves, "sync-1");
            Outcome sync2 = outcome(sent, onSlaves, "sync-2");
            int safe = (int) onSlaves.stream().filter(k -> k.startsWith("replicated")).count();
            System.out.printf("4. On the slaves: %d of the %d sent while they kept up. Acknowledged (SEND_OK) and lost:"
                + " ASYNC_MASTER %d of %d; SYNC_MASTER, inSyncReplicas=1: %d of %d; inSyncReplicas=2: %d of %d%n",
                safe, 2 * before, async.lost(), async.acknowledged(), sync1.lost(), sync1.acknowledged(), sync2.lost(),
                sync2.acknowledged());
            return new Result(safe, async, sync1, sync2);
        } finally {
            producer.shutdown();
        }
    }

    private static void send(DefaultMQProducer producer, String topic, String prefix, int count, Map<String, SendStatus> sent)
        throws Exception {
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + topic + "-" + i;
            sent.put(key, producer.send(new Message(topic, null, key, key.getBytes(StandardCharsets.UTF_8))).getSendStatus());
        }
    }

    /** A new group reads each topic from its slave until it has as many messages as the slave's queues hold. */
    private static Set<String> readAll(RocketMQ rocketmq, RocketMQAdmin admin, String group, Map<String, RocketMQServer> slaves)
        throws Exception {
        long held = 0;
        for (Map.Entry<String, RocketMQServer> e : slaves.entrySet()) {
            held += admin.api().examineTopicStats(e.getValue().address(), e.getKey()).getOffsetTable().values().stream()
                .mapToLong(o -> o.getMaxOffset() - o.getMinOffset()).sum();
        }
        Set<String> keys = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        for (String topic : slaves.keySet()) {
            consumer.subscribe(topic, "*");
        }
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> keys.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            long expected = held;
            Wait.until(Duration.ofSeconds(60), "every message the slaves hold", () -> keys.size() >= expected);
            return Set.copyOf(keys);
        } finally {
            consumer.shutdown();
        }
    }

    private static Outcome outcome(Map<String, SendStatus> sent, Set<String> onSlaves, String prefix) {
        int acknowledged = 0;
        int lost = 0;
        Map<SendStatus, Integer> notOk = new TreeMap<>();
        for (Map.Entry<String, SendStatus> e : sent.entrySet()) {
            if (e.getKey().startsWith(prefix + "-")) {
                if (e.getValue() == SendStatus.SEND_OK) {
                    acknowledged++;
                    lost += onSlaves.contains(e.getKey()) ? 0 : 1;
                } else {
                    notOk.merge(e.getValue(), 1, Integer::sum);
                }
            }
        }
        return new Outcome(acknowledged, notOk, lost);
    }

    private static Map<SendStatus, Long> statuses(Map<String, SendStatus> sent, String prefix) {
        Map<SendStatus, Long> counts = new TreeMap<>();
        sent.forEach((k, v) -> {
            if (k.startsWith(prefix + "-")) {
                counts.merge(v, 1L, Long::sum);
            }
        });
        return counts;
    }
}
