package learn.rocketmq.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a lesson's {@code main} finds its RocketMQ, in this order:
 * <ol>
 *   <li>an address given (the Compose stack, a real cluster), by the one precedence rule of the
 *   stack, tests included: the {@code --namesrv host:port} / {@code --proxy host:port} arguments,
 *   else the system properties {@code rocketmq.namesrv} / {@code rocketmq.proxy}, else the
 *   environment variables {@code ROCKETMQ_NAMESRV} / {@code ROCKETMQ_PROXY};</li>
 *   <li>a RocketMQ already answering on the standard local ports (9876, 8081): {@code ./rocketmq up},
 *   {@code docker compose up}, a local installation;</li>
 *   <li>otherwise an embedded stack, started for this run and gone when it ends.</li>
 * </ol>
 * It prints one line saying which. Tests use {@link RocketMQExtension} instead.
 * {@code --keep-logs} keeps the servers' and clients' logs of the run in {@code ./rocketmq-logs}.
 */
public final class Stack {

    private Stack() {
    }

    /**
     * For a lesson's {@code main}: the RocketMQ to use, announced in one line. If an address was
     * given and nothing answers there, prints what to do and exits; later failures of the lesson
     * print a one-line hint too (see {@link Hints}).
     */
    public static RocketMQ forLesson(String[] args) {
        return forLesson(args, () -> resolve(args, System.getenv()), RocketMQ::description);
    }

    /** See {@link RocketMQCluster#forLesson}. */
    static RocketMQCluster clusterForLesson(String[] args, RocketMQCluster.Topology topology) {
        return forLesson(args, () -> resolveCluster(args, System.getenv(), topology), c -> c.rocketMQ().description());
    }

    /** What every lesson's start does: logs, hints, the end with main, then the RocketMQ (or cluster) announced. */
    private static <T> T forLesson(String[] args, java.util.function.Supplier<T> resolve, java.util.function.Function<T, String> description) {
        if (List.of(args).contains("--keep-logs") && keptLogsRoot().isEmpty()) {
            System.setProperty(LOGS_DIR_PROPERTY, Path.of("rocketmq-logs").toAbsolutePath().toString());
        }
        clientLogsToTemp(); // before anything touches a client class, which configures its logging
        Hints.installForLessons();
        endWhenMainReturns();
        T resolved;
        try {
            resolved = resolve.get();
        } catch (RocketMQUnavailableException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            throw e;
        }
        System.out.println("Using " + description.apply(resolved));
        return resolved;
    }

    /** The same choice as {@link #clusterForLesson}, without printing or exiting: for tests. */
    static RocketMQCluster resolveCluster(String[] args, Map<String, String> env, RocketMQCluster.Topology topology) {
        String namesrv = option(args, "--namesrv", env.get("ROCKETMQ_NAMESRV"), System.getProperty("rocketmq.namesrv"));
        String proxy = option(args, "--proxy", env.get("ROCKETMQ_PROXY"), System.getProperty("rocketmq.proxy"));
        if (namesrv != null) {
            requireListening(namesrv, "a NameServer address you gave");
            if (proxy != null) {
                requireListening(proxy, "the proxy endpoint you gave");
            }
            return RocketMQCluster.external(new RocketMQ(namesrv, proxy, "the cluster you gave: NameServers " + namesrv
                + (proxy == null ? "" : ", proxy " + proxy) + " (a step that kills, stops or pauses a server ends the lesson, saying so)",
                StackProfile.DEFAULTS));
        }
        // Not the standard ports: a cluster lesson needs its servers' handles, so it starts its own.
        return topology.profile(StackProfile.DEFAULTS).start();
    }

    /**
     * A lesson ends when its {@code main} returns, even if a client left a non-daemon thread behind
     * (the classic 5.5.0 orderly push consumer does, after {@code shutdown()}): the JVM exits
     * normally, so shutdown hooks (the embedded stack's stop) still run.
     */
    private static void endWhenMainReturns() {
        Thread main = Thread.currentThread();
        if (!main.getName().equals("main")) {
            return;
        }
        Thread watcher = new Thread(() -> {
            try {
                main.join();
                System.exit(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lesson-end");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The same choice as {@link #forLesson}, without printing or exiting: for tests. */
    public static RocketMQ resolve(String[] args, Map<String, String> env) {
        clientLogsToTemp();

        String namesrv = option(args, "--namesrv", env.get("ROCKETMQ_NAMESRV"), System.getProperty("rocketmq.namesrv"));
        String proxy = option(args, "--proxy", env.get("ROCKETMQ_PROXY"), System.getProperty("rocketmq.proxy"));
        if (namesrv != null || proxy != null) {
            if (namesrv != null) {
                requireListening(namesrv, "the NameServer address you gave");
            }
            if (proxy != null) {
                requireListening(proxy, "the proxy endpoint you gave");
            }
            return new RocketMQ(namesrv, proxy, "the RocketMQ you gave: NameServer " + namesrv + ", proxy " + proxy,
                StackProfile.DEFAULTS);
        }
        if (listening(RocketMQ.STANDARD_NAMESRV)) {
            String standardProxy = listening(RocketMQ.STANDARD_PROXY) ? RocketMQ.STANDARD_PROXY : null;
            return new RocketMQ(RocketMQ.STANDARD_NAMESRV, standardProxy,
                "the RocketMQ running on the standard ports: NameServer " + RocketMQ.STANDARD_NAMESRV
                    + (standardProxy == null ? " (no proxy on 8081)" : ", proxy " + standardProxy),
                StackProfile.DEFAULTS);
        }
        EmbeddedRocketMQ embedded = EmbeddedRocketMQ.start(StackProfile.DEFAULTS);
        return embedded.rocketMQ();
    }

    /**
     * The clients' own files go to a temp folder instead of the learner's home: log files (classic
     * client {@code rocketmq_client.log}, 5.x client {@code rocketmq-client.log}; nothing of theirs
     * reaches the console), into the kept-logs folder when logs are kept, and a broadcasting
     * consumer's local offsets (~/.rocketmq_offsets). Call before the first client starts.
     */
    public static void clientLogsToTemp() {
        clientLogDir();
        // The classic client logs through RocketMQ's shaded logback, which otherwise takes the first
        // rmq.*.logback.xml on the class path (rocketmq-tools' or the broker's: files in ~/logs).
        System.setProperty("rmq.logback.configurationFile",
            System.getProperty("rmq.logback.configurationFile", "learn/rocketmq/stack/client-logback.xml"));
    }

    /**
     * Where this JVM's clients write their logs: {@code <logs root>/client} (the test build gives
     * each of a module's two test JVMs its own, {@code client-1} and {@code client-2}).
     */
    public static Path clientLogDir() {
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "learn-rocketmq");
        // <logs root>/client, the logs root being the kept-logs folder or $TMPDIR/learn-rocketmq:
        // the same rule client-logback.xml falls back to when a client logs before this runs.
        Path clientLogs = keptLogsRoot().orElse(root).resolve("client");
        setIfAbsent("rocketmq.client.logRoot", clientLogs);
        setIfAbsent("rocketmq.log.root", clientLogs);
        setIfAbsent("rocketmq.client.localOffsetStoreDir", root.resolve("client-offsets"));
        return Path.of(System.getProperty("rocketmq.client.logRoot"));
    }

    /**
     * Where logs are kept after the servers stop: the system property {@code rocketmq.logs.dir},
     * else the environment variable {@code ROCKETMQ_LOGS_DIR}; empty when neither is set (then a
     * server's logs are deleted with its directory). The build sets it for every test JVM to
     * {@code <module>/target/rocketmq-logs}, so a red run leaves the broker's and proxy's logs to
     * read; a lesson keeps them with {@code --keep-logs} (into {@code ./rocketmq-logs}).
     */
    public static Optional<Path> keptLogsRoot() {
        String dir = System.getProperty(LOGS_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("ROCKETMQ_LOGS_DIR");
        }
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir).toAbsolutePath());
    }

    /** The system property naming the directory where logs are kept ({@link #keptLogsRoot()}). */
    public static final String LOGS_DIR_PROPERTY = "rocketmq.logs.dir";

    private static void setIfAbsent(String property, Path value) {
        System.setProperty(property, System.getProperty(property, value.toString()));
    }

    private static String option(String[] args, String name, String env, String property) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        // Argument, then system property, then environment variable (as RocketMQExtension does).
        if (property != null && !property.isBlank()) {
            return property;
        }
        return env != null && !env.isBlank() ? env : null;
    }

    /** Every address of {@code addresses} listens: one, or several as classic clients take NameServers ("h:p;h:p"). */
    static void requireListening(String addresses, String what) {
        for (String address : addresses.split(";")) {
            if (!listening(address)) {
                throw new RocketMQUnavailableException("nothing answers at " + address + " (" + what + "). Start RocketMQ"
                    + " there (./rocketmq up, or docker compose up -d), fix the address, or give none and the lesson"
                    + " starts its own.");
            }
        }
    }

    /** True when a TCP connection to host:port succeeds within a second. */
    public static boolean listening(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new RocketMQUnavailableException("'" + address + "' is not host:port (for example 127.0.0.1:9876)");
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))), 1000);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
