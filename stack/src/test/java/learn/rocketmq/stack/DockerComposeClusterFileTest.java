package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.cluster.yml runs the servers of {@code ./rocketmq up --cluster} on the same
 * ports: checked here against the topology and port plan that command uses, without a Docker
 * engine (CI brings the file up for real in .ci/run). Each server's configuration is its role's
 * file (config/broker.conf, ...) followed by its own lines in config/cluster/.
 */
class DockerComposeClusterFileTest {

    private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.cluster.yml");
    private static final String CONFIG = "/home/rocketmq/config/";

    /** Service name to the embedded cluster's server name (the one controller is controller-1 there). */
    private static Map<String, Map<String, Object>> services;
    private static Map<String, Integer> ports;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE_FILE)) {
            Map<String, Object> compose = new Yaml().load(reader);
            services = new LinkedHashMap<>();
            ((Map<String, Map<String, Object>>) compose.get("services"))
                .forEach((name, service) -> services.put(name.equals("controller") ? "controller-1" : name, service));
        }
        ports = RocketMQCluster.standardPorts(StandaloneCluster.topology());
    }

    @Test
    void runsExactlyTheServersOfRocketmqUpCluster() {
        List<String> servers = ports.keySet().stream().filter(k -> !k.contains(".")).toList();
        assertThat(servers).containsExactly("namesrv-1", "namesrv-2", "controller-1", "broker-a-0", "broker-a-1", "broker-b-0",
            "broker-b-1", "proxy");
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(servers);
    }

    @Test
    void everyServerIsOnTheHostNetworkWithItsConfigAHeapLimitAndAHealthcheckOnItsPort() {
        Pattern xmx = Pattern.compile("-Xmx(\\d+)m");
        services.forEach((name, service) -> {
            assertThat(service.get("network_mode")).as("%s network_mode", name).isEqualTo("host");
            assertThat(service).as("%s publishes no ports", name).doesNotContainKey("ports");
            assertThat(strings(service.get("volumes"))).as("%s volumes", name).first().isEqualTo("./config:/home/rocketmq/config:ro");
            Matcher m = xmx.matcher(String.valueOf(service.get("environment")));
            assertThat(m.find()).as("%s sets -Xmx", name).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("%s heap in MiB", name).isBetween(64, 1024);
            Map<?, ?> healthcheck = (Map<?, ?>) service.get("healthcheck");
            assertThat(String.valueOf(healthcheck.get("test"))).as("%s healthcheck", name).contains("/dev/tcp/127.0.0.1/" + ports.get(name));
        });
    }

    @Test
    void nameServersListenOnTheirPortsOnLoopback() throws IOException {
        assertThat(command("namesrv-1")).isEqualTo("sh mqnamesrv -c " + CONFIG + "namesrv.conf");
        assertThat(keys("namesrv.conf")).containsEntry("listenPort", ports.get("namesrv-1").toString()).containsEntry("bindAddress", "127.0.0.1");
        assertThat(command("namesrv-2")).contains("cat " + CONFIG + "namesrv.conf " + CONFIG + "cluster/namesrv-2.conf > /tmp/namesrv.conf");
        assertThat(merged("namesrv.conf", "cluster/namesrv-2.conf")).containsEntry("listenPort", ports.get("namesrv-2").toString())
            .containsEntry("bindAddress", "127.0.0.1");
    }

    @Test
    void theControllerIsOneRaftPeerOnItsPorts() throws IOException {
        assertThat(command("controller-1")).isEqualTo("sh mqcontroller -c " + CONFIG + "cluster/controller.conf");
        // Its peer address is its address: DLedger serves the brokers there (and overrides listenPort).
        assertThat(keys("cluster/controller.conf")).doesNotContainKey("listenPort")
            .containsEntry("bindAddress", "127.0.0.1").containsEntry("controllerDLegerSelfId", "n0")
            .containsEntry("controllerDLegerPeers", "n0-127.0.0.1:" + ports.get("controller-1"));
    }

    @Test
    void everyBrokerLoadsBrokerConfThenItsOwnLinesAndRegistersWithBothNameServers() throws IOException {
        String nameServers = "127.0.0.1:" + ports.get("namesrv-1") + ";127.0.0.1:" + ports.get("namesrv-2");
        for (String name : List.of("broker-a-0", "broker-a-1", "broker-b-0", "broker-b-1")) {
            assertThat(command(name)).as(name).contains("cat " + CONFIG + "broker.conf " + CONFIG + "cluster/" + name + ".conf > /tmp/broker.conf")
                .contains("exec sh mqbroker -c /tmp/broker.conf -n '" + nameServers + "'");
            assertThat(merged("broker.conf", "cluster/" + name + ".conf")).as(name)
                .containsEntry("brokerName", name.substring(0, name.lastIndexOf('-')))
                .containsEntry("listenPort", ports.get(name).toString())
                .containsEntry("brokerIP1", "127.0.0.1").containsEntry("bindAddress", "127.0.0.1")
                .containsEntry("enableControllerMode", "true")
                .containsEntry("controllerAddr", "127.0.0.1:" + ports.get("controller-1"));
        }
    }

    @Test
    void theProxyRunsInClusterModeOnItsPorts() throws IOException {
        String namesrv = "127.0.0.1:" + ports.get("namesrv-1") + ";127.0.0.1:" + ports.get("namesrv-2");
        // Started once both groups' masters are in the NameServers' route: the proxy creates its
        // system topics on them at start and exits if the cluster is not known yet.
        assertThat(command("proxy")).isEqualTo("sh /home/rocketmq/await-masters " + namesrv + " DefaultCluster 2"
            + " sh mqproxy -pm cluster -pc " + CONFIG + "rmq-proxy.json -n " + namesrv);
        assertThat(strings(services.get("proxy").get("volumes")))
            .contains("./config:/home/rocketmq/config:ro", "./docker/await-masters:/home/rocketmq/await-masters:ro");
        String json = Files.readString(Path.of("..", "config", "rmq-proxy.json"));
        assertThat(json).contains("\"grpcServerPort\": " + ports.get("proxy"), "\"remotingListenPort\": " + ports.get("proxy.remoting"));
    }

    @Test
    void theImageIsTheOneDockerComposeYmlUses() throws IOException {
        Pattern image = Pattern.compile("x-rocketmq-image: &rocketmq-image (\\S+)");
        Matcher single = image.matcher(Files.readString(Path.of("..", "docker-compose.yml")));
        Matcher cluster = image.matcher(Files.readString(COMPOSE_FILE));
        assertThat(single.find()).isTrue();
        assertThat(cluster.find()).isTrue();
        assertThat(cluster.group(1)).isEqualTo(single.group(1));
    }

    private static String command(String service) {
        return String.join(" ", strings(services.get(service).get("command"))).replaceFirst("^sh -c ", "");
    }

    /** What the server reads: the files concatenated, a later key winning (java.util.Properties). */
    private static Map<String, String> merged(String... files) throws IOException {
        Map<String, String> result = new HashMap<>();
        for (String file : files) {
            result.putAll(keys(file));
        }
        return result;
    }

    private static Map<String, String> keys(String file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("..", "config").resolve(file))) {
            p.load(reader);
        }
        Map<String, String> result = new HashMap<>();
        p.stringPropertyNames().forEach(k -> result.put(k, p.getProperty(k).trim()));
        return result;
    }

    private static List<String> strings(Object yamlList) {
        List<String> result = new ArrayList<>();
        if (yamlList instanceof List<?> list) {
            list.forEach(item -> result.add(String.valueOf(item)));
        }
        return result;
    }
}
