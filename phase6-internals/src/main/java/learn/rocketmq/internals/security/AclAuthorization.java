package learn.rocketmq.internals.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * ACL 2.0 authorization: a policy is subject (a user) x resources (a topic, a group, a prefix
 * with {@code *}) x actions ({@code Pub}, {@code Sub}, ...) x source IPs x decision (Allow or
 * Deny); an explicit Deny wins over any Allow, and what no policy allows is refused. The user
 * {@code orders-app} may publish to every topic starting with {@code Orders} except
 * {@code OrdersAudit}, subscribe to {@code Orders} as group {@code billing} only, and publish to
 * {@code Payroll} from the 10.0.0.0/8 network only (a policy's source IPs). Each case
 * prints what the client got: {@code SEND_OK}, messages, or the broker's refusal.
 * Roadmap: 6.5 Security: ACL (Access Control List).
 *
 * <p>Run it: {@code ./lesson AclAuthorization} (starts its own secured broker; about 35 s, 15 of them the
 * refused subscriber waiting for nothing).
 */
public class AclAuthorization {

    public static final String USER = "orders-app";
    public static final String PASSWORD = "orders-secret";

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, SecuredBroker.topology())) {
            run(cluster.rocketMQ(), cluster.master("broker-a").address());
        }
    }

    /** Creates the user and its policies on the broker at {@code broker}, then tries each case; case -> outcome. */
    public static Map<String, String> run(RocketMQ rocketmq, String broker) throws Exception {
        // 1. As the super user: topics, a NORMAL user, its policies.
        try (RocketMQAdmin admin = SecuredBroker.admin(rocketmq)) {
            for (String topic : List.of("Orders", "OrdersArchive", "OrdersAudit", "Payroll")) {
                admin.createTopic(topic, TopicMessageType.NORMAL, 2);
            }
            DefaultMQAdminExt api = admin.api();
            api.createUser(broker, USER, PASSWORD, "Normal");
            api.createAcl(broker, "User:" + USER, List.of("Topic:Orders*"), List.of("Pub"), null, "Allow");
            api.createAcl(broker, "User:" + USER, List.of("Topic:OrdersAudit"), List.of("Pub"), null, "Deny");
            api.createAcl(broker, "User:" + USER, List.of("Topic:Orders", "Group:billing"), List.of("Sub"), null, "Allow");
            // Payroll: allowed from the office network only; this lesson's client comes from 127.0.0.1.
            api.createAcl(broker, "User:" + USER, List.of("Topic:Payroll"), List.of("Pub"), List.of("10.0.0.0/8"), "Allow");
        }
        System.out.printf("User %s: Pub on Topic:Orders* (Allow), Pub on Topic:OrdersAudit (Deny), Sub on Topic:Orders with"
            + " Group:billing (Allow), Pub on Topic:Payroll from 10.0.0.0/8 (Allow).%n", USER);

        // 2. The user's clients, signing every request.
        Map<String, String> outcomes = new LinkedHashMap<>();
        DefaultMQProducer producer = new DefaultMQProducer("orders-app-producer", SecuredBroker.credentials(USER, PASSWORD));
        Clients.configure(producer, rocketmq);
        producer.start();
        try {
            for (String topic : List.of("Orders", "OrdersArchive", "OrdersAudit", "Payroll")) {
                outcomes.put("send to " + topic, Outcomes.of(() ->
                    producer.send(new Message(topic, ("order for " + topic).getBytes(StandardCharsets.UTF_8))).getSendStatus().name()));
            }
        } finally {
            producer.shutdown();
        }
        for (String group : List.of("billing", "analytics")) {
            outcomes.put("consume Orders as group " + group, Outcomes.of(() -> consumeOne(rocketmq, group)));
        }
        outcomes.forEach((what, outcome) -> System.out.printf("%-36s -> %s%n", what, outcome));
        return outcomes;
    }

    /**
     * Pulls from Orders as {@code group} until one message arrives (bounded): its body. A refused
     * subscriber gets no exception: its pulls fail in the background (the client log says "no
     * permission") and it simply receives nothing.
     */
    private static String consumeOne(RocketMQ rocketmq, String group) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group, SecuredBroker.credentials(USER, PASSWORD));
        Clients.configure(consumer, rocketmq);
        consumer.setConsumeFromWhere(org.apache.rocketmq.common.consumer.ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe("Orders", "*");
        consumer.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                List<MessageExt> messages = consumer.poll(1000);
                if (!messages.isEmpty()) {
                    return "received \"" + new String(messages.get(0).getBody(), StandardCharsets.UTF_8) + "\"";
                }
            }
            return "nothing within 15 s (its pulls are refused)";
        } finally {
            consumer.shutdown();
        }
    }
}
