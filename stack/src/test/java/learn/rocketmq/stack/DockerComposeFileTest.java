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
    void publishesEveryPortOnLoopbackOnly() {
        assertThat(allPublishedPorts()).isNotEmpty().allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
    }

    @Test
    void publishesTheStandardHostPorts() {
        List<String> hostPorts = allPublishedPorts().stream().map(port -> port.split(":")[1]).toList();
        assertThat(hostPorts).contains("9876", "10911", "8081", "8080");
    }

    @Test
    void brokerAndProxyLoadTheFilesTheEmbeddedStackLoads() {
        assertMountsAndUses("broker", "./config/broker.conf");
        assertMountsAndUses("proxy", "./config/rmq-proxy.json");
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

    private static List<String> allPublishedPorts() {
        List<String> ports = new ArrayList<>();
        for (Map<String, Object> service : services.values()) {
            ports.addAll(strings(service.get("ports")));
        }
        return ports;
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
