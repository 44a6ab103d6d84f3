package learn.rocketmq.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real NameServer + Broker + 5.x Proxy in a child JVM of this one, on free ports, with its
 * store, logs and home in a temporary directory that is gone after {@link #close()}; or, for
 * {@code ./rocketmq up} ({@link #startStandalone}), in a directory kept across restarts.
 *
 * <p>Why a separate process: the proxy's gRPC classes and {@code rocketmq-client-java}'s cannot
 * share a class loader, a separate process keeps a lesson's class path client-only, and a
 * process can really crash (phase 5 kills servers on purpose). The child reads the repo's
 * {@code config/broker.conf} and {@code config/rmq-proxy.json}; see
 * {@code learn.rocketmq.stack.server.ServerMain}.
 *
 * <p>No orphans: the child exits (and deletes its directory) when its standard input closes, which
 * happens when this JVM exits for any reason, {@code kill -9} included; directories of dead
 * parents are swept on the next start.
 *
 * <p>Cold start: the first start on a machine records a class-data-sharing archive of the server
 * classes (JDK AppCDS); later starts map it and are about twice as fast.
 *
 * <p>This class is the handle; the jobs behind it each have a file: {@link ServerProcess}
 * (launching, READY and STOPPED lines, stopping), {@link ServerJvm} (JVM options),
 * {@link ClassDataSharing}, {@link ServerClassPath}, {@link WorkDir} (where files go, sweeping).
 */
public final class EmbeddedRocketMQ implements AutoCloseable {

    private final ServerProcess.Launched server;
    private final RocketMQ rocketMQ;
    private final String brokerAddress;

    private EmbeddedRocketMQ(ServerProcess.Launched server, RocketMQ rocketMQ, String brokerAddress) {
        this.server = server;
        this.rocketMQ = rocketMQ;
        this.brokerAddress = brokerAddress;
    }

    /** Starts a stack on free ports and waits until its broker is registered and the proxy listens. */
    public static EmbeddedRocketMQ start(StackProfile profile) {
        return start(profile, Map.of(), false, null);
    }

    /**
     * A stack with some settings of its own, on top of config/broker.conf and the profile: e.g.
     * {@code Map.of("enablePropertyFilter", "false")} to show the error a broker without SQL92
     * filtering gives, or {@code "proxy.grpcServerPort"} style keys (prefix "proxy.") for the proxy.
     * Start it in the test that needs it and close it there; it costs ~3 s.
     */
    public static EmbeddedRocketMQ start(StackProfile profile, Map<String, String> brokerSettings) {
        return start(profile, brokerSettings, false, null);
    }

    /**
     * What {@code ./rocketmq up} runs: the same server with RocketMQ's default settings, on the
     * standard ports (NameServer 9876, broker 10911, proxy 8081 gRPC and 8080 remoting) or on free
     * ones, with its store, logs and config kept in {@code dataDir} across restarts, and the JVM
     * settings of a long-lived server. {@link #close()} stops it cleanly.
     */
    public static EmbeddedRocketMQ startStandalone(Path dataDir, boolean standardPorts) {
        return start(StackProfile.DEFAULTS, Map.of(), standardPorts, dataDir.toAbsolutePath());
    }

    /** {@code dataDir}: the kept data directory of {@code ./rocketmq up}; null: a temporary one. */
    private static EmbeddedRocketMQ start(StackProfile profile, Map<String, String> settings, boolean standardPorts,
                                          Path dataDir) {
        List<String> args = new ArrayList<>();
        if (standardPorts) {
            args.add("--standard-ports");
        }
        ServerProcess.Launched server = ServerProcess.launch(profile, settings, args, dataDir);
        String namesrv = ServerProcess.field(server.readyLine(), "namesrv");
        String proxy = ServerProcess.field(server.readyLine(), "proxy");
        RocketMQ rocketMQ = new RocketMQ(namesrv, proxy,
            "an embedded RocketMQ 5.5.0 (NameServer " + namesrv + ", proxy " + proxy + ", started in "
                + server.millis() + " ms, " + (profile == StackProfile.FAST_TESTS ? "fast-test timing" : "default settings") + ")",
            profile);
        return new EmbeddedRocketMQ(server, rocketMQ, ServerProcess.field(server.readyLine(), "broker"));
    }

    /**
     * One more broker, in a process of its own, registering with this stack's NameServer: a second
     * master of the cluster ({@code brokerName=broker-b}), or a slave of this stack's broker
     * ({@code brokerName=broker-a, brokerId=1, brokerRole=SLAVE}). Same config/broker.conf and
     * profile as this stack, then {@code settings}, which must name the broker. It serves classic
     * clients; the proxy (5.x clients) stays with the first broker. The same handle as a
     * cluster's servers ({@link RocketMQServer}: kill, stop, pause, restart); close it, or it ends
     * with this stack's JVM anyway.
     */
    public RocketMQServer startBroker(Map<String, String> settings) {
        if (!settings.containsKey("brokerName")) {
            throw new IllegalArgumentException("name the broker: startBroker(Map.of(\"brokerName\", \"broker-b\", ...))");
        }
        return RocketMQServer.start(RocketMQServer.Role.BROKER, settings.get("brokerName"), rocketMQ.profile(), settings,
            List.of("--role", "broker", "--namesrv", rocketMQ.nameServer()));
    }

    public RocketMQ rocketMQ() {
        return rocketMQ;
    }

    /** The broker's own address (host:port), for admin calls and storage lessons. */
    public String brokerAddress() {
        return brokerAddress;
    }

    /** The proxy's remoting endpoint (classic clients may use it instead of the broker). */
    public String proxyRemotingAddress() {
        return ServerProcess.field(server.readyLine(), "proxyRemoting");
    }

    /** The server process's exit code, once it has ended. */
    public Optional<Integer> exitCode() {
        Process process = server.process();
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** The server process: its pid, its memory; phase 5 kills it on purpose. */
    public ProcessHandle serverProcess() {
        return server.process().toHandle();
    }

    /** Where the server keeps its store ({@code store/}). */
    public Path baseDir() {
        return server.baseDir();
    }

    /**
     * The server's logs ({@code rocketmq.log}, {@code server-stderr.log}): inside {@link #baseDir()}
     * and deleted with it, unless logs are kept ({@link Stack#keptLogsRoot()}).
     */
    public Path logDir() {
        return server.logDir();
    }

    public long startMillis() {
        return server.millis();
    }

    /**
     * A temporary stack: ends the server process at once (no slow graceful broker shutdown) and
     * deletes its files. A kept store ({@link #startStandalone}): stops the servers cleanly and
     * keeps them; see {@link #stopReport()}.
     */
    @Override
    public void close() {
        ServerProcess.stop(server.process(), server.kept() ? null : server.baseDir(), server.stopWaitSeconds());
    }

    /**
     * For a kept store, once its process has ended: "stopped cleanly in N ms", or empty when it
     * ended without a clean stop (killed, crashed).
     */
    public Optional<String> stopReport() {
        return server.stopped().join().map(line -> "stopped cleanly in " + line.substring(line.indexOf(' ') + 1) + " ms");
    }
}
