package learn.rocketmq.patterns.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/**
 * Chaos engineering, the OpenChaos way (openmessaging/openchaos): a bounded workload writes a
 * history of every send and every delivery while faults hit the servers on a schedule; a checker
 * reads the history and counts what was lost, duplicated and reordered.
 * Roadmap: 7.3 Testing: Chaos engineering.
 *
 * <p>The cluster: two NameServers, two masters (broker-a, broker-b) with {@code SYNC_FLUSH} (a
 * SEND_OK means on disk: the durable configuration), a proxy. Producers send FIFO messages through
 * the proxy with the 5.x client, each key's messages one after the other (its message group); an
 * orderly classic consumer reads from the brokers. The faults, one at a time, each held a moment and
 * healed: SIGKILL broker-a and start it again on its store; SIGSTOP broker-b (it hangs, connections
 * open) and SIGCONT; SIGKILL a NameServer and start it (healed once it routes the brokers again: a
 * restarted NameServer knows none until their next registration); SIGKILL the proxy and start it; a
 * graceful restart of broker-b. Then every acknowledged message must arrive: <b>lost must be 0</b>; the
 * duplicates at-least-once allows are counted, as are the keys whose order a fault broke. Run it:
 * {@code ./lesson ChaosEngineering} (five server processes; about a minute); the history file is
 * kept and its path printed.
 */
public class ChaosEngineering {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, durableCluster())) {
            Path history = Files.createTempFile("chaos-history", ".log");
            ChaosChecker.Report r = run(cluster, "LessonChaos", history, Duration.ofSeconds(3));
            System.out.println("Checker: " + r);
            System.out.println("Failed sends, by the fault injected before them: " + r.failedAfter());
            System.out.println("Lost acknowledged messages: " + (r.lost().isEmpty() ? "none" : r.lost()));
            System.out.println("History: " + history);
        }
    }

    /** Two NameServers, two masters that flush every message to disk before SEND_OK, a proxy. */
    public static RocketMQCluster.Topology durableCluster() {
        return RocketMQCluster.topology().nameServers(2).brokerGroup("broker-a").brokerGroup("broker-b").proxy()
            .set("flushDiskType", "SYNC_FLUSH");
    }

    /** A fault: what it does and how it is healed. */
    record Fault(String name, Runnable inject, Runnable heal) {
    }

    public static ChaosChecker.Report run(RocketMQCluster cluster, String topic, Path historyFile, Duration hold) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer brokerA = cluster.master("broker-a");
        RocketMQServer brokerB = cluster.master("broker-b");
        RocketMQServer nameServer = cluster.nameServers().get(0);
        RocketMQServer proxy = cluster.proxy();
        List<Fault> schedule = List.of(
            new Fault("SIGKILL broker-a", brokerA::kill, brokerA::restart),
            new Fault("SIGSTOP broker-b", brokerB::pause, brokerB::resume),
            new Fault("SIGKILL " + nameServer.name(), nameServer::kill, () -> restartNameServer(nameServer, rocketmq)),
            new Fault("SIGKILL proxy", proxy::kill, proxy::restart),
            new Fault("restart broker-b (SIGTERM, start)", brokerB::stop, brokerB::restart));
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.FIFO, 4); // 4 queues on each master
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        // 2 s per request, 3 attempts (the default): a send to a hung broker gives up in about 6 s.
        ClientConfiguration config = ClientConfiguration.newBuilder().setEndpoints(rocketmq.requireProxy())
            .setRequestTimeout(Duration.ofSeconds(2)).build();
        try (ChaosHistory history = new ChaosHistory(historyFile)) {
            // 1. The consumer: every delivery goes into the history.
            Set<String> received = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(topic + "-checker"), rocketmq);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                msgs.forEach(m -> {
                    String[] keySeq = new String(m.getBody(), StandardCharsets.UTF_8).split(" ");
                    history.record(ChaosHistory.Op.RECEIVE, keySeq[0], Long.parseLong(keySeq[1]),
                        m.getBrokerName() + "/" + m.getQueueId() + " " + m.getMsgId());
                    received.add(keySeq[0] + "#" + keySeq[1]);
                });
                return ConsumeOrderlyStatus.SUCCESS;
            });
            consumer.start();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workload = new ArrayList<>();
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(config).setTopics(topic).build()) {
                // 2. The workload: 4 clients, 5 keys each, a key's messages sent one after the other.
                for (int c = 0; c < 4; c++) {
                    List<String> keys = List.of("c" + c + "k0", "c" + c + "k1", "c" + c + "k2", "c" + c + "k3", "c" + c + "k4");
                    Thread t = new Thread(() -> sendUntilStopped(provider, producer, topic, keys, history, acknowledged, stop),
                        "chaos-client-" + c);
                    t.start();
                    workload.add(t);
                }
                // 3. The nemesis: each fault held, healed, then a quiet moment before the next.
                Thread.sleep(hold.toMillis());
                for (Fault fault : schedule) {
                    history.fault(ChaosHistory.Op.FAULT, fault.name());
                    System.out.printf("3. %s (%d acknowledged so far)%n", fault.name(), acknowledged.size());
                    fault.inject().run();
                    Thread.sleep(hold.toMillis());
                    fault.heal().run();
                    history.fault(ChaosHistory.Op.HEAL, fault.name());
                    Thread.sleep(hold.toMillis());
                }
                stop.set(true);
                for (Thread t : workload) {
                    t.join();
                }
            }
            // 4. Every server is back: each acknowledged message must now arrive.
            Wait.until(Duration.ofSeconds(90), "every acknowledged message", () -> received.containsAll(acknowledged));
            consumer.shutdown();
        }
        // 5. The checker, on the history file alone.
        return ChaosChecker.check(ChaosHistory.read(historyFile));
    }

    /**
     * A NameServer keeps its routes in memory only: restarted, it knows no broker until each one's next
     * registration ({@code registerNameServerPeriod}, 30 s by default). A proxy that starts in that
     * window and asks it fails to start ("create system broadcast topic DefaultHeartBeatSyncerTopic
     * failed"), so it is healed only once it routes both brokers again.
     */
    private static void restartNameServer(RocketMQServer nameServer, RocketMQ rocketmq) {
        nameServer.restart();
        boolean routed;
        try (RocketMQAdmin alone = RocketMQAdmin.connect(new RocketMQ(nameServer.address(), null, nameServer.name(), rocketmq.profile()))) {
            routed = Wait.until(Duration.ofSeconds(45), nameServer.name() + " to route both brokers again",
                () -> alone.api().examineBrokerClusterInfo().getBrokerAddrTable().size() == 2);
        } catch (Exception e) {
            throw new IllegalStateException(nameServer.name() + " restarted but could not be asked for its routes: " + e, e);
        }
        if (!routed) {
            throw new IllegalStateException(nameServer.name() + " restarted but routes no broker after 45 s: are the brokers registering?");
        }
    }

    private static void sendUntilStopped(ClientServiceProvider provider, Producer producer, String topic, List<String> keys,
                                         ChaosHistory history, Set<String> acknowledged, AtomicBoolean stop) {
        for (long seq = 0; !stop.get(); seq++) {
            for (String key : keys) {
                history.record(ChaosHistory.Op.INVOKE, key, seq, "");
                try {
                    String id = producer.send(provider.newMessageBuilder().setTopic(topic).setKeys(key).setMessageGroup(key)
                        .setBody((key + " " + seq).getBytes(StandardCharsets.UTF_8)).build()).getMessageId().toString();
                    history.record(ChaosHistory.Op.OK, key, seq, id);
                    acknowledged.add(key + "#" + seq);
                } catch (Exception e) {
                    history.record(ChaosHistory.Op.FAIL, key, seq, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            try {
                Thread.sleep(20); // the workload's pace: about 50 rounds a second per client
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
