package learn.rocketmq.production.clients;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.remoting.protocol.body.Connection;

/**
 * The 5.x client's connections: no instance to share, one gRPC channel per client and endpoint.
 * Roadmap: 5.3 Producer/Consumer Configuration: Connection pool settings.
 *
 * <p>A 5.x client (producer or consumer) talks to one endpoint, the proxy, over one gRPC
 * (HTTP/2) connection that carries every request side by side: whatever topics it uses and however
 * many brokers are behind the proxy, it has one connection per proxy address (the classic client
 * has one per broker and NameServer, lesson {@code ClientInstances}). There is no
 * {@code instanceName}: each client built is one of its own, with its own connection and its own
 * telemetry stream (its settings and heartbeats). A client is thread-safe: share one producer in a
 * JVM rather than building one per thread or request. This lesson asks the broker which clients
 * are registered for each topic and from which address, as {@code mqadmin producerConnection}
 * does (a 5.x producer registers under each of its topics); a proxy in LOCAL mode (the embedded
 * stack) passes the client's own address on. Run it: {@code ./lesson ClientInstancesGrpc}.
 */
public class ClientInstancesGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonClientInstancesGrpc");
        System.out.printf("Done: producer A on two topics uses %d connection(s); producers A and B on one topic, %d.%n",
            r.producerA().size(), r.firstTopic().size());
    }

    /** The client addresses the broker lists: producer A's (over both topics), and all of the first topic's (A and B). */
    public record Result(Set<String> producerA, Set<String> firstTopic, Map<String, Map<String, String>> byTopic) {
    }

    public static Result run(RocketMQ rocketmq, String topic) throws Exception {
        String first = topic + "-1";
        String second = topic + "-2";
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(first, TopicMessageType.NORMAL, 4);
            admin.createTopic(second, TopicMessageType.NORMAL, 4);
            // 1. Producer A sends to both topics, producer B to the first only.
            try (Producer a = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                    .setTopics(first, second).build();
                 Producer b = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                    .setTopics(first).build()) {
                send(provider, a, first, "from A");
                send(provider, a, second, "from A");
                send(provider, b, first, "from B");

                // 2. Who the broker lists for each topic (client id and address).
                boolean listed = Wait.until(java.time.Duration.ofSeconds(30), "both producers registered",
                    () -> connections(admin, first).size() == 2 && connections(admin, second).size() == 1);
                if (!listed) {
                    throw new IllegalStateException("the broker does not list this lesson's 5.x producers (" + connections(admin, first)
                        + "): a proxy in CLUSTER mode keeps its clients to itself; run the lesson without --proxy (the embedded stack)");
                }
                Map<String, Map<String, String>> byTopic = new TreeMap<>();
                byTopic.put(first, connections(admin, first));
                byTopic.put(second, connections(admin, second));
                String clientA = byTopic.get(second).keySet().iterator().next(); // A alone sends to the second
                Set<String> aAddresses = new TreeSet<>(Set.of(byTopic.get(second).get(clientA)));
                aAddresses.add(byTopic.get(first).getOrDefault(clientA, "none"));
                Set<String> firstAddresses = new TreeSet<>(byTopic.get(first).values());
                System.out.printf("1. Producer A (topics %s, %s) and producer B (topic %s) each sent%n", first, second, first);
                System.out.printf("2. The broker lists, by topic, client id=address: %s%n", byTopic);
                System.out.printf("   Producer A from %s on both topics; the first topic's two producers from %s%n", aAddresses,
                    firstAddresses);
                return new Result(aAddresses, firstAddresses, byTopic);
            }
        }
    }

    private static void send(ClientServiceProvider provider, Producer producer, String topic, String body) throws Exception {
        producer.send(provider.newMessageBuilder().setTopic(topic).setBody(body.getBytes(StandardCharsets.UTF_8)).build());
    }

    /** The topic's 5.x producers as the broker lists their connections: client id to client address. */
    private static Map<String, String> connections(RocketMQAdmin admin, String topic) throws Exception {
        Map<String, String> clients = new TreeMap<>();
        for (Connection c : admin.api().examineProducerConnectionInfo(topic, topic).getConnectionSet()) {
            clients.put(c.getClientId(), c.getClientAddr());
        }
        return clients;
    }
}
