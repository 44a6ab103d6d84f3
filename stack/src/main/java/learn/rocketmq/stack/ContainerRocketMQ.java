package learn.rocketmq.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Collectors;
import learn.rocketmq.stack.server.ServerMain;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * RocketMQ in a Docker container (Testcontainers), for machines with a Docker engine:
 * {@code -Drocketmq.stack=container} (image {@code apache/rocketmq:5.5.0}, or
 * {@code -Drocketmq.image=learn-rocketmq/rocketmq:5.5.0}, the one {@code ./rocketmq image} builds).
 * One container runs a NameServer and the proxy in LOCAL mode with its broker, from the repo's
 * config files plus the fast-test profile ({@code config/fast-tests.conf}), like the embedded stack.
 *
 * <p>The container runs on the host's network, as docker-compose.yml does: the broker registers
 * {@code brokerIP1:listenPort} = 127.0.0.1:port with the NameServer and clients connect to exactly
 * that, so every server listens on a free port of 127.0.0.1 (no port mapping, no bridge).
 *
 * <p>Cleanup without Testcontainers' Ryuk (its image must be pulled; the build disables it): the
 * container removes itself when it ends, Testcontainers stops it when the test JVM exits, and a
 * watchdog in the container stops its servers once this JVM stops answering on a loopback port
 * (a test JVM killed with {@code kill -9} leaves nothing behind).
 *
 * <p>Without a Docker engine this mode fails, saying so in one line: asked for, it must not pass
 * by testing nothing.
 */
public final class ContainerRocketMQ {

    /** The Maven build's version; docker-compose.yml uses the same. */
    public static final String IMAGE = System.getProperty("rocketmq.image", "apache/rocketmq:5.5.0");

    private ContainerRocketMQ() {
    }

    static RocketMQ startShared() {
        requireEngine(whyNoDocker());
        try {
            return start();
        } catch (IOException e) {
            throw new RocketMQUnavailableException("could not start RocketMQ in Docker (" + IMAGE + "): " + e.getMessage());
        }
    }

    /** The one line a learner without Docker reads (a failure, not a skip); {@code whyNot} null: Docker answers. */
    static void requireEngine(String whyNot) {
        if (whyNot != null) {
            throw new RocketMQUnavailableException("-Drocketmq.stack=container needs a Docker engine, and none answers here"
                + " (" + whyNot + "): start Docker, or run the tests without -Drocketmq.stack (the default embedded stack"
                + " needs nothing)");
        }
    }

    private static RocketMQ start() throws IOException {
        ServerMain.Ports ports = ServerMain.Ports.free();
        String namesrv = "127.0.0.1:" + ports.namesrv();
        Properties fast = StackProfile.FAST_TESTS.serverSettings();
        String namesrvConf = resource("namesrv.conf") + "\nlistenPort=" + ports.namesrv() + "\n";
        String brokerConf = resource("broker.conf") + "\n# fast-tests.conf\n" + fast.stringPropertyNames().stream()
            .filter(k -> !k.startsWith("proxy.")).map(k -> k + "=" + fast.getProperty(k)).collect(Collectors.joining("\n"))
            + "\nlistenPort=" + ports.broker() + "\nnamesrvAddr=" + namesrv + "\n";
        String proxyJson = "{\"rocketMQClusterName\":\"DefaultCluster\",\"grpcServerPort\":" + ports.proxy()
            + ",\"remotingListenPort\":" + ports.proxyRemoting() + ",\"namesrvAddr\":\"" + namesrv + "\""
            + fast.stringPropertyNames().stream().filter(k -> k.startsWith("proxy."))
                .map(k -> ",\"" + k.substring("proxy.".length()) + "\":" + fast.getProperty(k)).collect(Collectors.joining())
            + "}";
        int alive = aliveSignal();
        // Both images: bash, and the working directory bin/ with mqnamesrv and mqproxy.
        String script = "sh mqnamesrv -c /tmp/namesrv.conf > /tmp/namesrv.log 2>&1 &\n"
            + "sh mqproxy -pm local -bc /tmp/broker.conf -pc /tmp/rmq-proxy.json -n " + namesrv + " &\n"
            + "misses=0\n"
            + "while [ $misses -lt 3 ]; do\n"
            + "  sleep 1\n"
            + "  if (exec 3<>/dev/tcp/127.0.0.1/" + alive + ") 2>/dev/null; then misses=0; else misses=$((misses + 1)); fi\n"
            + "done\n"
            + "echo 'the test JVM is gone: stopping RocketMQ'; kill $(jobs -p); wait\n";
        @SuppressWarnings("resource") // stopped when the JVM ends (Testcontainers' hook, and the watchdog)
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
            .withNetworkMode("host")
            .withCopyToContainer(Transferable.of(namesrvConf), "/tmp/namesrv.conf")
            .withCopyToContainer(Transferable.of(brokerConf), "/tmp/broker.conf")
            .withCopyToContainer(Transferable.of(proxyJson), "/tmp/rmq-proxy.json")
            .withEnv("JAVA_OPT_EXT", "-Xms256m -Xmx512m -XX:MaxDirectMemorySize=1g")
            .withCommand("bash", "-c", script)
            .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withAutoRemove(true))
            .waitingFor(org.testcontainers.containers.wait.strategy.Wait.forLogMessage(".*rocketmq-proxy startup successfully.*", 1)
                .withStartupTimeout(Duration.ofMinutes(3)));
        container.start();
        RocketMQ rocketmq = new RocketMQ(namesrv, "127.0.0.1:" + ports.proxy(), "RocketMQ in Docker (" + IMAGE + ", container "
            + container.getContainerId().substring(0, 12) + ", host network)", StackProfile.FAST_TESTS);
        awaitBrokerRoute(rocketmq);
        return rocketmq;
    }

    /** The proxy is up once its broker has started; clients need the broker's route at the NameServer too. */
    private static void awaitBrokerRoute(RocketMQ rocketmq) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            boolean routed = Wait.until(Duration.ofSeconds(30), "the broker's registration with the NameServer",
                () -> !admin.api().examineBrokerClusterInfo().getBrokerAddrTable().isEmpty());
            if (!routed) {
                throw new RocketMQUnavailableException("the broker in Docker did not register with its NameServer within 30 s");
            }
        } catch (RocketMQUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new RocketMQUnavailableException("RocketMQ in Docker does not answer: " + e.getMessage());
        }
    }

    /**
     * A loopback port this JVM answers on while it lives: the container's watchdog connects to it
     * every second and stops the servers after three misses. Connections are taken and closed.
     */
    private static int aliveSignal() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (true) {
                try (Socket ignored = server.accept()) {
                    // answered: the JVM lives
                } catch (IOException e) {
                    return;
                }
            }
        }, "container-alive-signal");
        accept.setDaemon(true);
        accept.start();
        return server.getLocalPort();
    }

    /** Null when Testcontainers reaches a Docker engine, else what it said. */
    static String whyNoDocker() {
        try {
            DockerClientFactory.instance().client();
            return null;
        } catch (RuntimeException | LinkageError e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                + (cause == e ? "" : " / " + cause);
        }
    }

    private static String resource(String name) {
        try (InputStream in = ContainerRocketMQ.class.getResourceAsStream("/learn/rocketmq/stack/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
