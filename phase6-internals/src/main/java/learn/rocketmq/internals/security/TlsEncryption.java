package learn.rocketmq.internals.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import learn.rocketmq.stack.RocketMQCluster;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * TLS on the broker's remoting port in <b>enforcing</b> mode ({@code tls.server.mode=enforcing}:
 * a plaintext client is turned away; a default installation is {@code permissive}, both work),
 * with a certificate this lesson makes ({@link Certificates}). Four classic producers:
 * plaintext (refused), TLS without checking the certificate (the client's default: encrypted,
 * but anyone in the middle could pose as the broker), TLS trusting the broker's certificate
 * ({@code tls.client.authServer=true}, {@code tls.client.trustCertPath}, and
 * {@code tls.test.mode.enable=false}: in its default test mode a client trusts anything), and TLS trusting another
 * certificate (the handshake fails: this is what the check is for). The client's TLS settings
 * are JVM-wide ({@code TlsSystemConfig}), read when a client instance starts, so each producer
 * gets an instance of its own. The 5.x client (5.2.0) always uses TLS to the proxy and never
 * checks its certificate (docs/rocketmq-5.5-behaviour.md).
 * Roadmap: 6.5 Security: Encryption.
 *
 * <p>Run it: {@code ./lesson TlsEncryption} (starts its own broker, about 20 s).
 */
public class TlsEncryption {

    public static final String TOPIC = "Encrypted";

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tls-lesson-");
        Certificates.Pem broker = Certificates.selfSigned(dir, "broker");
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology(broker))) {
            run(cluster, broker, Certificates.selfSigned(dir, "impostor"));
        }
    }

    /** A NameServer and a broker whose remoting port accepts TLS only, with {@code certificate}. */
    public static RocketMQCluster.Topology topology(Certificates.Pem certificate) {
        return RocketMQCluster.topology().nameServers(1).brokerGroup("broker-a")
            .set("tls.server.mode", "enforcing")
            .set("tls.server.certPath", certificate.certificate().toString())
            .set("tls.server.keyPath", certificate.privateKey().toString());
    }

    /** case -> outcome; {@code other} is a certificate the broker does not have. */
    public static Map<String, String> run(RocketMQCluster cluster, Certificates.Pem broker, Certificates.Pem other) throws Exception {
        String brokerAddress = cluster.master("broker-a").address();
        DefaultMQAdminExt admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(cluster.rocketMQ().nameServer());
        admin.setUseTLS(true); // the admin API is a client like any other
        admin.setInstanceName("tls-admin");
        admin.start();
        try {
            admin.createAndUpdateTopicConfig(brokerAddress, new TopicConfig(TOPIC, 2, 2));
        } finally {
            admin.shutdown();
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        outcomes.put("plaintext", send(cluster, "plain", false, null));
        outcomes.put("TLS, certificate not checked", send(cluster, "tls", true, null));
        outcomes.put("TLS, trusting the broker's certificate", send(cluster, "trusting", true, broker.certificate()));
        outcomes.put("TLS, trusting another certificate", send(cluster, "impostor", true, other.certificate()));
        outcomes.forEach((what, outcome) -> System.out.printf("%-40s -> %s%n", what, outcome));
        return outcomes;
    }

    private static String send(RocketMQCluster cluster, String name, boolean tls, Path trusted) throws Exception {
        boolean testMode = TlsSystemConfig.tlsTestModeEnable;
        boolean authServer = TlsSystemConfig.tlsClientAuthServer;
        String trustPath = TlsSystemConfig.tlsClientTrustCertPath;
        // tls.test.mode.enable is true by default, and then the client trusts any certificate,
        // whatever tls.client.authServer says: checking needs both.
        TlsSystemConfig.tlsTestModeEnable = trusted == null;
        TlsSystemConfig.tlsClientAuthServer = trusted != null;
        TlsSystemConfig.tlsClientTrustCertPath = trusted == null ? null : trusted.toString();
        DefaultMQProducer producer = new DefaultMQProducer("tls-lesson-" + name);
        producer.setNamesrvAddr(cluster.rocketMQ().nameServer());
        producer.setInstanceName("tls-lesson-" + name); // a client instance, and TLS context, of its own
        producer.setUseTLS(tls);
        producer.setSendMsgTimeout(3000);
        producer.setRetryTimesWhenSendFailed(0);
        try {
            producer.start();
            String outcome = Outcomes.of(() -> producer.send(new Message(TOPIC, name.getBytes(StandardCharsets.UTF_8))).getSendStatus().name());
            // What the client gets says little; the logs say why (checked in this lesson's runs).
            if (!outcome.equals("SEND_OK") && !tls) {
                outcome += " [the TLS-only port closed the plaintext connection]";
            } else if (!outcome.equals("SEND_OK") && trusted != null) {
                outcome += " [client log: SSLHandshakeException, PKIX path validation failed: not the certificate it trusts]";
            }
            return outcome;
        } finally {
            producer.shutdown();
            TlsSystemConfig.tlsTestModeEnable = testMode;
            TlsSystemConfig.tlsClientAuthServer = authServer;
            TlsSystemConfig.tlsClientTrustCertPath = trustPath;
        }
    }
}
