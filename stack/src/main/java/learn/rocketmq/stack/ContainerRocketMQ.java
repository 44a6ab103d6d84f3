package learn.rocketmq.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.opentest4j.TestAbortedException;

/**
 * RocketMQ in a Docker container (Testcontainers), for machines with a Docker engine:
 * {@code -Drocketmq.stack=container}. One container runs the NameServer and a broker with the
 * proxy in LOCAL mode ({@code mqbroker --enable-proxy}), from the repo's config files.
 *
 * <p>The classic trap: the broker registers {@code brokerIP1:listenPort} with the NameServer and
 * clients connect to exactly that. So the broker listens on the same port number inside and
 * outside (a free host port, bound 1:1), with {@code brokerIP1=127.0.0.1}; the proxy, which returns
 * its own address in routes, likewise.
 *
 * <p>Without Docker the tests that need it are skipped with the reason (no Docker on CI here).
 */
public final class ContainerRocketMQ {

    /** The Maven build's version; docker-compose.yml uses the same. */
    public static final String IMAGE = System.getProperty("rocketmq.image", "apache/rocketmq:5.5.0");

    private ContainerRocketMQ() {
    }

    static RocketMQ startShared() {
        if (!dockerAvailable()) {
            throw new TestAbortedException("-Drocketmq.stack=container needs a Docker engine, and none answers here:"
                + " start Docker, or run the tests without it (the default embedded stack needs nothing)");
        }
        int namesrv = freePort();
        int broker = freePort();
        int proxy = freePort();
        String brokerConf = resource("broker.conf")
            + "\nbrokerIP1=127.0.0.1\nlistenPort=" + broker + "\nnamesrvAddr=127.0.0.1:" + namesrv + "\n";
        String proxyJson = "{\"rocketMQClusterName\":\"DefaultCluster\",\"grpcServerPort\":" + proxy
            + ",\"remotingListenPort\":" + freePort() + ",\"namesrvAddr\":\"127.0.0.1:" + namesrv + "\"}";
        String home = "/home/rocketmq/rocketmq-" + IMAGE.substring(IMAGE.indexOf(':') + 1);
        @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
            .withCopyToContainer(Transferable.of(brokerConf), "/tmp/broker.conf")
            .withCopyToContainer(Transferable.of(proxyJson), "/tmp/rmq-proxy.json")
            .withEnv("JAVA_OPT_EXT", "-Xms256m -Xmx512m")
            .withCommand("sh", "-c", "cd " + home + "/bin && (sh mqnamesrv > /tmp/namesrv.log 2>&1 &) && "
                + "sh mqbroker -c /tmp/broker.conf --enable-proxy -pc /tmp/rmq-proxy.json")
            .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                List.of(binding(namesrv, 9876), binding(broker, broker), binding(proxy, proxy))))
            .waitingFor(Wait.forLogMessage(".*boot success.*", 1).withStartupTimeout(Duration.ofMinutes(3)));
        container.start();
        return new RocketMQ("127.0.0.1:" + namesrv, "127.0.0.1:" + proxy,
            "RocketMQ in Docker (" + IMAGE + ")", StackProfile.DEFAULTS);
    }

    private static com.github.dockerjava.api.model.PortBinding binding(int hostPort, int containerPort) {
        return new com.github.dockerjava.api.model.PortBinding(
            com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", hostPort),
            new com.github.dockerjava.api.model.ExposedPort(containerPort));
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String resource(String name) {
        try (InputStream in = ContainerRocketMQ.class.getResourceAsStream("/learn/rocketmq/stack/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
