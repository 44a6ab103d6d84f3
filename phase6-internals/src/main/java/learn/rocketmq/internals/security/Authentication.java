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
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.StaticSessionCredentialsProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.RPCHook;

/**
 * ACL 2.0 authentication. The classic client's {@code AclClientRPCHook} puts the access key
 * (the user name) and an HMAC signature of the request, made with the secret (the password), on
 * every request; the broker recomputes it. The 5.x client signs its gRPC calls the same way with
 * a {@code SessionCredentialsProvider}, and the proxy checks them. The same send with the right password, a wrong one,
 * an unknown user and no credentials at all; then admin operations: creating a topic as a NORMAL
 * user, as the SUPER user and with no credentials ({@link NetworkExposure}: what an anonymous
 * request may do where no ACL guards). What each client gets is printed as it gets it.
 * Roadmap: 6.5 Security: Authentication.
 *
 * <p>Run it: {@code ./lesson Authentication} (starts its own secured broker, about 15 s).
 */
public class Authentication {

    public static final String USER = "shipping-app";
    public static final String PASSWORD = "shipping-secret";
    public static final String TOPIC = "Shipments";

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, SecuredBroker.topology())) {
            run(cluster.rocketMQ(), cluster.master("broker-a").address());
        }
    }

    /** case -> outcome, against the secured broker at {@code broker}. */
    public static Map<String, String> run(RocketMQ rocketmq, String broker) throws Exception {
        try (RocketMQAdmin admin = SecuredBroker.admin(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.NORMAL, 2);
            admin.api().createUser(broker, USER, PASSWORD, "Normal");
            admin.api().createAcl(broker, "User:" + USER, List.of("Topic:" + TOPIC), List.of("Pub"), null, "Allow");
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        outcomes.put("send as " + USER, send(rocketmq, SecuredBroker.credentials(USER, PASSWORD)));
        outcomes.put("send with a wrong password", send(rocketmq, SecuredBroker.credentials(USER, "not-the-secret")));
        outcomes.put("send as an unknown user", send(rocketmq, SecuredBroker.credentials("nobody", PASSWORD)));
        outcomes.put("send without credentials", send(rocketmq, null));
        // The 5.x client: the same user through the proxy, credentials in its ClientConfiguration.
        outcomes.put("5.x send as " + USER, sendGrpc(rocketmq, USER, PASSWORD));
        outcomes.put("5.x send with a wrong password", sendGrpc(rocketmq, USER, "not-the-secret"));
        outcomes.put("create a topic as " + USER + " (NORMAL)", createTopic(rocketmq, broker, SecuredBroker.credentials(USER, PASSWORD), "ByNormalUser"));
        outcomes.put("create a topic as " + SecuredBroker.ADMIN + " (SUPER)",
            createTopic(rocketmq, broker, SecuredBroker.credentials(SecuredBroker.ADMIN, SecuredBroker.ADMIN_PASSWORD), "BySuperUser"));
        outcomes.put("create a topic without credentials", createTopic(rocketmq, broker, null, "ByAnybody"));
        outcomes.forEach((what, outcome) -> System.out.printf("%-48s -> %s%n", what, outcome));
        return outcomes;
    }

    private static String send(RocketMQ rocketmq, RPCHook credentials) throws Exception {
        DefaultMQProducer producer = credentials == null ? new DefaultMQProducer("shipping-producer")
            : new DefaultMQProducer("shipping-producer", credentials);
        Clients.configure(producer, rocketmq);
        producer.setRetryTimesWhenSendFailed(0); // one attempt: the refusal, not a retry of it
        producer.start();
        try {
            return Outcomes.of(() -> producer.send(new Message(TOPIC, "parcel".getBytes(StandardCharsets.UTF_8))).getSendStatus().name());
        } finally {
            producer.shutdown();
        }
    }

    private static String sendGrpc(RocketMQ rocketmq, String user, String password) {
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = ClientConfiguration.newBuilder().setEndpoints(rocketmq.requireProxy())
            .setCredentialProvider(new StaticSessionCredentialsProvider(user, password)).setRequestTimeout(Duration.ofSeconds(5)).build();
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(TOPIC).setMaxAttempts(1).build()) {
            producer.send(provider.newMessageBuilder().setTopic(TOPIC).setBody("parcel".getBytes(StandardCharsets.UTF_8)).build());
            return "SEND_OK";
        } catch (Exception e) {
            // A producer whose credentials are refused fails to start (IllegalStateException);
            // the proxy's answer is the innermost cause.
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return root instanceof ClientException || e instanceof ClientException ? "refused: " + root.getMessage() : "failed: " + root;
        }
    }

    private static String createTopic(RocketMQ rocketmq, String broker, RPCHook credentials, String topic) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq, credentials)) { // null: no credentials at all
            return Outcomes.of(() -> {
                admin.api().createAndUpdateTopicConfig(broker, new org.apache.rocketmq.common.TopicConfig(topic, 2, 2));
                return "created";
            });
        }
    }
}
