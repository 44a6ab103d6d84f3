package learn.rocketmq.internals.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The security lessons on one secured broker (ACL 2.0 on), each with its own user and topics. */
class SecurityTest {

    static RocketMQCluster cluster;

    @BeforeAll
    static void start() {
        cluster = SecuredBroker.topology().start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aclAllowsWhatAPolicyAllowsDenyWinsAndTheRestIsRefused() throws Exception {
        Map<String, String> outcomes = AclAuthorization.run(cluster.rocketMQ(), cluster.master("broker-a").address());

        assertThat(outcomes.get("send to Orders")).isEqualTo("SEND_OK");
        assertThat(outcomes.get("send to OrdersArchive")).as("the prefix Orders*").isEqualTo("SEND_OK");
        assertThat(outcomes.get("send to OrdersAudit")).as("Deny wins over Orders*").startsWith("refused: CODE 16");
        assertThat(outcomes.get("send to Payroll")).as("allowed from 10.0.0.0/8 only, sent from 127.0.0.1")
            .startsWith("refused: CODE 16").contains("from 127.0.0.1");
        assertThat(outcomes.get("consume Orders as group billing")).startsWith("received \"order for Orders\"");
        assertThat(outcomes.get("consume Orders as group analytics")).as("a group no policy names").doesNotStartWith("received");
    }

    @Test
    void onlyAValidSignatureOfAKnownUserGetsInAndAdminOperationsNeedASuperUser() throws Exception {
        Map<String, String> outcomes = Authentication.run(cluster.rocketMQ(), cluster.master("broker-a").address());

        assertThat(outcomes.get("send as shipping-app")).isEqualTo("SEND_OK");
        assertThat(outcomes.get("send with a wrong password")).startsWith("refused: CODE 16");
        assertThat(outcomes.get("send as an unknown user")).startsWith("refused: CODE 16");
        assertThat(outcomes.get("send without credentials")).startsWith("refused: CODE 16");
        assertThat(outcomes.get("5.x send as shipping-app")).isEqualTo("SEND_OK");
        assertThat(outcomes.get("5.x send with a wrong password")).startsWith("refused: ");
        assertThat(outcomes.get("create a topic as shipping-app (NORMAL)")).startsWith("refused: CODE 16");
        assertThat(outcomes.get("create a topic as rocketmq (SUPER)")).isEqualTo("created");
        assertThat(outcomes.get("create a topic without credentials")).startsWith("refused: CODE 16");
    }

    @Test
    void anyoneWhoReachesAPortMayReconfigureWhatNoAclGuards() throws Exception {
        Map<String, String> outcomes = NetworkExposure.run(RocketMQExtension.shared(), cluster);

        assertThat(outcomes.get("broker without ACL: updateBrokerConfig")).startsWith("accepted");
        assertThat(outcomes.get("broker with ACL: updateBrokerConfig")).startsWith("refused: CODE 16");
        assertThat(outcomes.get("NameServer: updateNameServerConfig")).as("the NameServer has no ACL").startsWith("accepted");
        assertThat(outcomes.get("NameServer: updateNameServerConfig configStorePath")).as("its black list").startsWith("refused");
        // The stack binds remoting ports to loopback; the HA port and the proxy cannot be bound.
        String brokerPort = cluster.master("broker-a").address().replaceAll(".*:", "");
        assertThat(outcomes.get("listening: broker-a-0")).as("remoting on loopback, the HA port on every interface")
            .containsPattern("127\\.0\\.0\\.1\\]?:" + brokerPort + "\\b").containsPattern("(0\\.0\\.0\\.0|\\[::\\]):\\d+");
        assertThat(outcomes.get("listening: namesrv-1")).as("the NameServer on loopback").contains("127.0.0.1").doesNotContain("[::]:");
        assertThat(outcomes.get("listening: proxy").split(" ")).as("the proxy's ports, every interface")
            .allMatch(a -> a.startsWith("[::]:") || a.startsWith("0.0.0.0:"));
    }
}
