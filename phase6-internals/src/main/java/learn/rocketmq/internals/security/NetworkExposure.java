package learn.rocketmq.internals.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;

/**
 * What a RocketMQ port open to a network allows, asked without credentials, as an attacker would:
 * <ul>
 *   <li>a broker without ACL takes configuration changes from anyone ({@code updateBrokerConfig};
 *   here it is given the value it already has). On brokers up to 5.1.0 this was remote code
 *   execution, CVE-2023-33246; 5.5.0 fixed that path, but anyone can still, say, make the broker
 *   read-only ({@code brokerPermission=4});</li>
 *   <li>with ACL on, the same request is refused;</li>
 *   <li>the NameServer has no ACL at all: it takes changes from anyone, except the keys of its
 *   {@code configBlackList} ({@code configStorePath}, the file CVE-2023-37582 wrote through, is one);</li>
 *   <li>the ports each server listens on, and on which address. A default installation listens
 *   on every interface ({@code bindAddress=0.0.0.0}); this project's servers set
 *   {@code bindAddress=127.0.0.1}, so their NameServer and remoting ports are loopback only. The
 *   broker's HA port and the proxy's ports have no such setting in 5.5.0: they listen on every
 *   interface ({@code ::}) whatever, and only a firewall keeps them in.</li>
 * </ul>
 * So: ACL on every broker (and proxy), NameServer and broker ports reachable from the
 * application network only, never from the internet; clients need the proxy's 8081 (5.x) or the
 * NameServer's 9876 and the brokers' 10911 (classic), the HA port 10912 only between brokers.
 * Roadmap: 6.5 Security: Network security.
 *
 * <p>Run it: {@code ./lesson NetworkExposure} (starts a secured cluster beside the RocketMQ it
 * finds or starts, about 20 s).
 */
public class NetworkExposure {

    public static void main(String[] args) throws Exception {
        RocketMQ ordinary = RocketMQ.forLesson(args); // a RocketMQ as installed: no ACL
        try (RocketMQCluster secured = RocketMQCluster.forLesson(new String[0], SecuredBroker.topology())) {
            run(ordinary, secured);
        }
    }

    /** case -> outcome: {@code ordinary} is a RocketMQ without ACL, {@code secured} one with it. */
    public static Map<String, String> run(RocketMQ ordinary, RocketMQCluster secured) throws Exception {
        Map<String, String> outcomes = new LinkedHashMap<>();
        outcomes.put("broker without ACL: updateBrokerConfig", Outcomes.of(() -> updateBroker(ordinary, firstBroker(ordinary))));
        outcomes.put("broker with ACL: updateBrokerConfig", Outcomes.of(() -> updateBroker(secured.rocketMQ(), secured.master("broker-a").address())));
        outcomes.put("NameServer: updateNameServerConfig", Outcomes.of(() -> updateNameServer(secured.rocketMQ(), "orderMessageEnable", "false")));
        outcomes.put("NameServer: updateNameServerConfig configStorePath",
            Outcomes.of(() -> updateNameServer(secured.rocketMQ(), "configStorePath", "/tmp/namesrv.properties")));
        for (RocketMQServer server : secured.servers()) {
            outcomes.put("listening: " + server.name(), String.join(" ", ListeningSockets.of(server.pid())));
        }
        outcomes.forEach((what, outcome) -> System.out.printf("%-52s -> %s%n", what, outcome));
        return outcomes;
    }

    /** The first master's address of {@code rocketmq}, as the NameServer tells anyone who asks. */
    private static String firstBroker(RocketMQ rocketmq) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            return admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values().iterator().next().getBrokerAddrs().get(0L);
        }
    }

    private static String updateBroker(RocketMQ rocketmq, String broker) throws Exception {
        try (RocketMQAdmin anonymous = RocketMQAdmin.connect(rocketmq)) { // no credentials
            Properties change = new Properties();
            change.setProperty("brokerPermission", anonymous.api().getBrokerConfig(broker).getProperty("brokerPermission"));
            anonymous.api().updateBrokerConfig(broker, change);
            return "accepted (brokerPermission set to " + change.getProperty("brokerPermission") + ", the value it had)";
        }
    }

    private static String updateNameServer(RocketMQ rocketmq, String key, String value) throws Exception {
        try (RocketMQAdmin anonymous = RocketMQAdmin.connect(rocketmq)) { // no credentials
            Properties change = new Properties();
            change.setProperty(key, value);
            anonymous.api().updateNameServerConfig(change, List.of(rocketmq.nameServer()));
            return "accepted (" + key + "=" + value + ")";
        }
    }
}
