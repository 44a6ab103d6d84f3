package learn.rocketmq.production.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * A broker cluster of masters and slaves ("2m-2s"): two broker groups, each a master and a slave
 * that copies it and serves reads. A master killed: producers write on to the other group, and
 * consumers read the dead master's messages from its slave, so none of them waits for the master
 * to come back (with masters alone they do: lesson MultiMaster).
 * Roadmap: 5.2 Cluster Setup: Broker cluster (Master-Slave).
 *
 * <p>The settings of this layout: every broker of a group has the group's {@code brokerName};
 * {@code brokerId=0} and {@code brokerRole=ASYNC_MASTER} (or SYNC_MASTER) on the master,
 * {@code brokerId=1} and {@code brokerRole=SLAVE} on the slave; {@code slaveReadEnable=true} on
 * the slave, or it refuses reads even with its master gone (lesson BrokerRoles). A slave never
 * takes writes and never becomes master by itself: the group takes writes again when its master
 * is back (or, in controller mode, when a slave is promoted: lesson ControllerFailover). The
 * producer skips the dead master ({@code sendLatencyFaultEnable}); the consumer's client finds
 * the group's slave in the route when the master is missing from it. Run it:
 * {@code ./lesson MasterSlaveCluster} (a NameServer and four brokers, each a process of its own).
 */
public class MasterSlaveCluster {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "broker-a", "broker-b", "LessonMasterSlaveCluster", "lesson-master-slave-cluster", 20);
            System.out.printf("Done: %d acknowledged, %d sends failed; while broker-a's master was down the consumer got %d of"
                + " the %d sent before and during it; broker-a took writes again: %b.%n", r.acknowledged().size(), r.failedSends(),
                r.consumedWhileDown(), r.sentBeforeRestart(), r.writesBackOnFailed());
        }
    }

    /** Two groups of a master and a slave each, ASYNC replication, slaves serving reads. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a", 1, RocketMQCluster.Replication.ASYNC)
            .brokerGroup("broker-b", 1, RocketMQCluster.Replication.ASYNC).set("slaveReadEnable", "true");
    }

    /** Acknowledged keys by broker group; what happened while {@code failing}'s master was down, and after. */
    public record Result(Map<String, String> acknowledged, int failedSends, Map<String, Integer> sentWhileDown,
                         int sentBeforeRestart, int consumedWhileDown, boolean writesBackOnFailed, Set<String> consumed) {
    }

    public static Result run(RocketMQCluster cluster, String failing, String other, String topic, String group, int perStep)
        throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer master = cluster.master(failing);
        List<String> everyBroker = new ArrayList<>();
        for (String g : List.of(failing, other)) {
            everyBroker.add(cluster.master(g).address());
            everyBroker.add(cluster.slave(g, 1).address());
        }
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.setSendLatencyFaultEnable(true); // keep away from a broker that just failed
        producer.setRetryTimesWhenSendFailed(2);
        Map<String, String> acknowledged = new TreeMap<>(); // key -> broker group
        Map<String, Integer> whileDown = new TreeMap<>();
        int failed = 0;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // 1. The topic on every broker, slaves included (a slave serves the topics it knows).
            admin.createTopicOn(everyBroker, topic, TopicMessageType.NORMAL, 4);
            producer.start();
            for (int i = 0; i < perStep; i++) {
                send(producer, topic, "before-" + i, acknowledged);
            }
            Wait.until(Duration.ofSeconds(30), "the slaves to copy them", () -> admin.slavesCaughtUp(master.address())
                && admin.slavesCaughtUp(cluster.master(other).address()));
            System.out.printf("1. %d sends over both groups: %s; each slave has copied its master%n", perStep, count(acknowledged));

            // 2. failing's master crashes; the producer writes on to the other group.
            master.kill();
            for (int i = 0; i < perStep; i++) {
                try {
                    whileDown.merge(send(producer, topic, "during-" + i, acknowledged), 1, Integer::sum);
                } catch (Exception e) {
                    failed++;
                    System.out.println("   send failed: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            System.out.printf("2. Killed %s's master (SIGKILL); %d more sends: %s, %d failed%n", failing, perStep, whileDown, failed);
        }

        // 3. A consumer starts while the master is down: it reads that group from its slave.
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> consumed.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            int sentBefore = acknowledged.size();
            Wait.until(Duration.ofSeconds(30), "every message so far", () -> consumed.containsAll(acknowledged.keySet()));
            int consumedWhileDown = consumed.size();
            System.out.printf("3. While %s's master is down the consumer got %d of %d: %s's from its slave%n", failing,
                consumedWhileDown, sentBefore, failing);

            // 4. The master back on its store: its group takes writes again once the producer sees it.
            master.restart();
            boolean back = Wait.until(Duration.ofSeconds(30), failing + " to take writes again", () -> {
                try {
                    return send(producer, topic, "after-" + acknowledged.size(), acknowledged).equals(failing);
                } catch (Exception notYet) {
                    return false;
                }
            });
            Wait.until(Duration.ofSeconds(30), "every acknowledged message", () -> consumed.containsAll(acknowledged.keySet()));
            System.out.printf("4. %s's master restarted: it takes writes again: %b; the consumer has %d of %d%n", failing, back,
                consumed.size(), acknowledged.size());
            return new Result(acknowledged, failed, whileDown, sentBefore, consumedWhileDown, back, Set.copyOf(consumed));
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    /** Sends one message keyed {@code key}; records it as acknowledged; returns the group that stored it. */
    private static String send(DefaultMQProducer producer, String topic, String key, Map<String, String> acknowledged)
        throws Exception {
        SendResult r = producer.send(new Message(topic, null, key, key.getBytes(StandardCharsets.UTF_8)));
        acknowledged.put(key, r.getMessageQueue().getBrokerName());
        return r.getMessageQueue().getBrokerName();
    }

    private static Map<String, Long> count(Map<String, String> acknowledged) {
        Map<String, Long> counts = new TreeMap<>();
        acknowledged.values().forEach(b -> counts.merge(b, 1L, Long::sum));
        return counts;
    }
}
