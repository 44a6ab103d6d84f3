package learn.rocketmq.internals.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import learn.rocketmq.stack.RocketMQCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsEncryptionTest {

    @Test
    void anEnforcingBrokerTurnsPlaintextAwayAndACheckingClientTrustsOnlyTheBrokersCertificate(@TempDir Path dir) throws Exception {
        Certificates.Pem broker = Certificates.selfSigned(dir, "broker");
        Certificates.Pem impostor = Certificates.selfSigned(dir, "impostor");
        try (RocketMQCluster cluster = TlsEncryption.topology(broker).start()) {
            Map<String, String> outcomes = TlsEncryption.run(cluster, broker, impostor);

            assertThat(outcomes.get("plaintext")).as("a plaintext client on an enforcing port").isNotEqualTo("SEND_OK");
            assertThat(outcomes.get("TLS, certificate not checked")).isEqualTo("SEND_OK");
            assertThat(outcomes.get("TLS, trusting the broker's certificate")).isEqualTo("SEND_OK");
            assertThat(outcomes.get("TLS, trusting another certificate")).as("the check refuses a certificate it was not given")
                .isNotEqualTo("SEND_OK");
        }
    }
}
