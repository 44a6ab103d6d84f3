package learn.rocketmq.production.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * A NameServer cluster: two NameServers, two brokers, a proxy; one NameServer killed.
 * Roadmap: 5.2 Cluster Setup: NameServer cluster.
 *
 * <p>NameServers never talk to each other. Every broker registers with each of them (at start,
 * then every 30 s), so each holds the whole routing table on its own, and a "NameServer cluster"
 * is only a list: {@code setNamesrvAddr("host1:9876;host2:9876")} for classic clients, the
 * proxy's {@code namesrvAddr} for 5.x clients. When one dies, clients that have their routes keep
 * sending (a send goes to a broker, never through a NameServer; routes are cached and refreshed
 * every 30 s), and a client asking the dead one moves on to the next. Run it:
 * {@code ./lesson NameServerCluster} (it starts the five servers, each a process of its own).
 */
public class NameServerCluster {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args,
            RocketMQCluster.topology().nameServers(2).brokerGroup("broker-a").brokerGroup("broker-b").proxy())) {
            Result r = run(cluster, "LessonNameServerCluster", 10);
            System.out.printf("Done: %d messages acknowledged, %d stored; sends that failed: %d before the kill,"
                + " %d after it (clients with routes), %d for a producer started after it.%n", r.acknowledged(), r.stored(),
                r.failedBefore(), r.failedAfter(), r.newProducerFailures());
        }
    }

    /**
     * What each NameServer routes (brokers by NameServer address), and the sends: acknowledged
     * and failed, before the kill and after it, and those of a producer started after it.
     */
    public record Result(Map<String, Set<String>> brokersByNameServer, int acknowledged, int failedBefore, int failedAfter,
                         int newProducerFailures, long newProducerFirstOkMillis, long stored) {
    }

    public static Result run(RocketMQCluster cluster, String topic, int perStep) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        List<String> nameServers = List.of(rocketmq.nameServer().split(";"));

        // 1. Ask each NameServer on its own: each knows every broker.
        Map<String, Set<String>> routes = new LinkedHashMap<>();
        for (String address : nameServers) {
            try (RocketMQAdmin one = RocketMQAdmin.connect(only(rocketmq, address))) {
                routes.put(address, new TreeSet<>(one.api().examineBrokerClusterInfo().getBrokerAddrTable().keySet()));
            }
            System.out.printf("1. NameServer %s routes to %s%n", address, routes.get(address));
        }
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4); // on both brokers
        }

        // 2. A classic producer given both NameServers, a 5.x producer through the proxy.
        DefaultMQProducer classic = new DefaultMQProducer(UniqueNames.of("namesrv-cluster-producer"));
        Clients.configure(classic, rocketmq); // setNamesrvAddr("a;b")
        classic.start();
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        int[] sent = new int[2]; // acknowledged, failed
        try (AutoCloseable closeClassic = classic::shutdown;
             Producer grpc = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
            .setTopics(topic).build()) {
            send(classic, grpc, provider, topic, "before", perStep, sent);
            int failedBefore = sent[1];
            System.out.printf("2. Both producers: %d acknowledged, %d failed%n", sent[0], failedBefore);

            // 3. SIGKILL one NameServer (a crash: it tells nobody).
            cluster.nameServers().get(0).kill();
            System.out.printf("3. Killed NameServer %s%n", nameServers.get(0));

            // 4. The same producers: they have their routes, and sends go to the brokers.
            send(classic, grpc, provider, topic, "after", perStep, sent);
            int failedAfter = sent[1] - failedBefore;
            System.out.printf("4. The same producers: %d failed of %d%n", failedAfter, 2 * perStep);

            // 5. A classic producer started now asks a NameServer for the topic's route on its
            //    first send; if it picks the dead one, that send fails and it asks the next.
            DefaultMQProducer late = new DefaultMQProducer(UniqueNames.of("namesrv-cluster-late"));
            Clients.configure(late, rocketmq);
            late.start();
            int[] lateFailures = {0};
            long t0 = System.nanoTime();
            long firstOk;
            try {
                boolean ok = Wait.until(Duration.ofSeconds(30), "a producer started after the kill to send", () -> {
                    try {
                        return late.send(message(topic, "late-0")).getSendStatus() == SendStatus.SEND_OK;
                    } catch (Exception e) {
                        lateFailures[0]++;
                        return false;
                    }
                });
                firstOk = ok ? (System.nanoTime() - t0) / 1_000_000 : -1;
                sent[0] += ok ? 1 : 0;
                for (int i = 1; ok && i < perStep; i++) {
                    late.send(message(topic, "late-" + i));
                    sent[0]++;
                }
            } finally {
                late.shutdown();
            }
            System.out.printf("5. A producer started after the kill: first SEND_OK after %d ms, %d failed attempt(s) before%n",
                firstOk, lateFailures[0]);

            // 6. What the brokers hold, asked through the NameServer that is left.
            try (RocketMQAdmin survivor = RocketMQAdmin.connect(only(rocketmq, nameServers.get(1)))) {
                long stored = survivor.storedMessages(topic);
                System.out.printf("6. The brokers hold %d messages; %d were acknowledged%n", stored, sent[0]);
                return new Result(routes, sent[0], failedBefore, failedAfter, lateFailures[0], firstOk, stored);
            }
        }
    }

    /** {@code perStep} messages from each producer; counts acknowledged and failed sends in {@code sent}. */
    private static void send(DefaultMQProducer classic, Producer grpc, ClientServiceProvider provider, String topic, String step,
                             int perStep, int[] sent) {
        for (int i = 0; i < perStep; i++) {
            try {
                classic.send(message(topic, step + "-classic-" + i));
                sent[0]++;
            } catch (Exception e) {
                sent[1]++;
                System.out.println("   classic send failed: " + e.getMessage());
            }
            try {
                grpc.send(provider.newMessageBuilder().setTopic(topic).setKeys(step + "-grpc-" + i)
                    .setBody((step + "-grpc-" + i).getBytes(StandardCharsets.UTF_8)).build());
                sent[0]++;
            } catch (Exception e) {
                sent[1]++;
                System.out.println("   5.x send failed: " + e.getMessage());
            }
        }
    }

    private static Message message(String topic, String key) {
        return new Message(topic, null, key, key.getBytes(StandardCharsets.UTF_8));
    }

    /** The same RocketMQ, seen through one NameServer only. */
    private static RocketMQ only(RocketMQ rocketmq, String nameServer) {
        return new RocketMQ(nameServer, rocketmq.proxy(), "NameServer " + nameServer, rocketmq.profile());
    }
}
