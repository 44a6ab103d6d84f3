package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What a learner relies on in docker-compose.yml, checked without a Docker engine: the file is
 * read as plain YAML (the test runs in stack/, so the file is one level up).
 */
class DockerComposeFileTest {

    private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml");
    private static final List<String> SERVICES = List.of("namesrv", "broker", "proxy", "dashboard");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE_FILE)) {
            Map<String, Object> compose = new Yaml().load(reader);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    void hasTheFourServices() {
        assertThat(services).containsOnlyKeys(SERVICES);
    }

    @Test
    void everyServiceRunsOnTheHostNetworkWithNoPortMapping() {
        // No Docker network and no mapping: 127.0.0.1 is the same machine inside and outside,
        // which is what brokerIP1=127.0.0.1 needs (and CI's engine has no bridge at all).
        for (String name : SERVICES) {
            assertThat(services.get(name).get("network_mode")).as("%s network_mode", name).isEqualTo("host");
            assertThat(services.get(name)).as("%s publishes no ports", name).doesNotContainKey("ports");
        }
    }

    @Test
    void serversUseTheStandardAddressesOnLoopback() throws IOException {
        Map<String, String> namesrv = keys(Path.of("..", "config", "namesrv.conf"));
        assertThat(namesrv).containsEntry("listenPort", "9876").containsEntry("bindAddress", "127.0.0.1");
        Map<String, String> broker = keys(Path.of("..", "config", "broker.conf"));
        assertThat(broker).containsEntry("listenPort", "10911").containsEntry("brokerIP1", "127.0.0.1")
            .containsEntry("bindAddress", "127.0.0.1");
        assertThat(strings(services.get("broker").get("command"))).containsSubsequence("-n", "127.0.0.1:9876");
        assertThat(strings(services.get("proxy").get("command"))).containsSubsequence("-pm", "cluster")
            .containsSubsequence("-n", "127.0.0.1:9876");
        assertThat(String.valueOf(services.get("dashboard").get("environment")))
            .contains("-Dserver.address=127.0.0.1", "-Dserver.port=8082", "127.0.0.1:9876");
    }

    @Test
    void theImageIsThisBuildsRocketMQReleaseInBothImages() throws IOException {
        // The embedded stack's servers are this release: the compose default and the local image must be too.
        String version = org.apache.rocketmq.common.MQVersion.getVersionDesc(org.apache.rocketmq.common.MQVersion.CURRENT_VERSION)
            .substring(1).replace('_', '.');
        assertThat(Files.readString(COMPOSE_FILE)).contains("${ROCKETMQ_IMAGE:-apache/rocketmq:" + version + "}");
        assertThat(Files.readString(Path.of("..", "docker", "rocketmq", "Dockerfile"))).contains("ARG ROCKETMQ_VERSION=" + version);
    }

    @Test
    void brokerAndProxyLoadTheFilesTheEmbeddedStackLoads() {
        assertMountsAndUses("namesrv", "./config/namesrv.conf");
        assertMountsAndUses("broker", "./config/broker.conf");
        assertMountsAndUses("proxy", "./config/rmq-proxy.json");
    }

    @Test
    void theProxyStartsOnceTheNameServerRoutesTheClusterToAMaster() {
        // A broker's port opens a moment before it registers, and a CLUSTER-mode proxy that
        // starts in between exits: "create system broadcast topic ... failed on cluster".
        assertThat(strings(services.get("proxy").get("command")))
            .startsWith("sh", "/home/rocketmq/await-masters", "127.0.0.1:9876", "DefaultCluster", "1", "sh", "mqproxy");
        assertThat(strings(services.get("proxy").get("volumes"))).contains("./docker/await-masters:/home/rocketmq/await-masters:ro");
    }

    @Test
    void everyJavaServiceHasABoundedHeap() {
        Pattern xmx = Pattern.compile("-Xmx(\\d+)([mMgG])");
        for (String name : SERVICES) {
            Matcher m = xmx.matcher(String.valueOf(services.get(name).get("environment")));
            assertThat(m.find()).as("%s sets -Xmx in its environment (JAVA_OPT_EXT / JAVA_OPTS)", name).isTrue();
            long mib = Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1024 : 1);
            assertThat(mib).as("%s heap in MiB", name).isBetween(64L, 1024L);
        }
    }

    @Test
    void everyServiceHasAHealthcheck() {
        for (String name : SERVICES) {
            Object healthcheck = services.get(name).get("healthcheck");
            assertThat(healthcheck).as("%s healthcheck", name).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) healthcheck).get("test")).as("%s healthcheck test", name).isNotNull();
        }
    }

    /** The service bind-mounts the repo file and its command names the path it is mounted at. */
    private static void assertMountsAndUses(String name, String hostFile) {
        Map<String, Object> service = services.get(name);
        List<String> volumes = strings(service.get("volumes"));
        String mount = volumes.stream().filter(v -> v.startsWith(hostFile + ":")).findFirst().orElse(null);
        assertThat(mount).as("%s mounts %s (volumes: %s)", name, hostFile, volumes).isNotNull();
        String inContainer = mount.split(":")[1];
        assertThat(String.valueOf(service.get("command"))).as("%s command", name).contains(inContainer);
    }

    /** A .conf file's keys (RocketMQ reads them as Java properties). */
    private static Map<String, String> keys(Path file) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        }
        Map<String, String> result = new java.util.HashMap<>();
        p.stringPropertyNames().forEach(k -> result.put(k, p.getProperty(k).trim()));
        return result;
    }

    private static List<String> strings(Object yamlList) {
        List<String> result = new ArrayList<>();
        if (yamlList instanceof List<?> list) {
            for (Object item : list) {
                result.add(String.valueOf(item));
            }
        }
        return result;
    }
}
