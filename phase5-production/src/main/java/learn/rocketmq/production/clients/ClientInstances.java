package learn.rocketmq.production.clients;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.body.Connection;

/**
 * The classic client's connection pool: what a producer shares with the others of its JVM.
 * Roadmap: 5.3 Producer/Consumer Configuration: Connection pool settings.
 *
 * <p>Producers and consumers do not own connections: each belongs to a client instance
 * ({@code MQClientInstance}), found by its client id ({@code <ip>@<instanceName>}), and the instance
 * keeps one connection per broker and NameServer for every client that shares it, plus the
 * heartbeats and route refreshes. Clients given the same {@code instanceName} share one instance,
 * so one connection; clients left with the default name each get their own (5.5.0 turns the
 * default "DEFAULT" into {@code <pid>#<nanoTime>}). Share an instance to save connections on a
 * big fleet; give a client its own when it needs settings of its own (an instance takes the first
 * client's). This lesson asks the broker which connections each producer group has, as
 * {@code mqadmin producerConnection} does. Run it: {@code ./lesson ClientInstances}.
 */
public class ClientInstances {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonClientInstances", "lesson-client-instances");
        System.out.printf("Done: 2 producers with default instance names use %d connection(s) to the broker;"
            + " 2 with the same instance name use %d.%n", r.defaultNames().size(), r.sameName().size());
    }

    /** The client addresses (host:port of the TCP connection) the broker sees for each pair of producers. */
    public record Result(Set<String> defaultNames, Set<String> sameName, Map<String, String> clientIds) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String prefix) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            Map<String, String> clientIds = new LinkedHashMap<>();
            List<DefaultMQProducer> producers = new ArrayList<>();
            try {
                // 1. Two producers of two groups, instance names left alone.
                for (String name : List.of("-a", "-b")) {
                    producers.add(started(rocketmq, prefix + name, null));
                }
                // 2. Two more that share the instance name "shared".
                for (String name : List.of("-c", "-d")) {
                    producers.add(started(rocketmq, prefix + name, prefix + "-shared"));
                }
                for (DefaultMQProducer p : producers) {
                    p.send(new Message(topic, p.getProducerGroup().getBytes(StandardCharsets.UTF_8))); // connects to the broker
                    clientIds.put(p.getProducerGroup(), p.buildMQClientId());
                    // The heartbeat that registers the group with the broker (every
                    // heartbeatBrokerInterval, 30 s by default): now, so the broker lists it at once.
                    p.getDefaultMQProducerImpl().getMqClientFactory().sendHeartbeatToAllBrokerWithLock();
                }
                Set<String> defaults = connections(admin, topic, prefix + "-a", prefix + "-b");
                Set<String> shared = connections(admin, topic, prefix + "-c", prefix + "-d");
                System.out.printf("1. Default instance names: client ids %s and %s; the broker sees connections %s%n",
                    clientIds.get(prefix + "-a"), clientIds.get(prefix + "-b"), defaults);
                System.out.printf("2. instanceName \"%s\" for both: client ids %s and %s; connections %s%n", prefix + "-shared",
                    clientIds.get(prefix + "-c"), clientIds.get(prefix + "-d"), shared);
                return new Result(defaults, shared, clientIds);
            } finally {
                producers.forEach(DefaultMQProducer::shutdown);
            }
        }
    }

    private static DefaultMQProducer started(RocketMQ rocketmq, String group, String instanceName) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        Clients.configure(producer, rocketmq);
        if (instanceName != null) {
            producer.setInstanceName(instanceName);
        }
        producer.start();
        return producer;
    }

    /** The client addresses of the groups' producers, as the broker lists their connections (from their heartbeats). */
    private static Set<String> connections(RocketMQAdmin admin, String topic, String... groups) throws Exception {
        Set<String> addresses = new TreeSet<>();
        for (String group : groups) {
            for (Connection c : admin.api().examineProducerConnectionInfo(group, topic).getConnectionSet()) {
                addresses.add(c.getClientAddr());
            }
        }
        return addresses;
    }
}
