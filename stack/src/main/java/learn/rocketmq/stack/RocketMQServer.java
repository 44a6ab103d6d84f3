package learn.rocketmq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server of a {@link RocketMQCluster}, in a JVM of its own: a NameServer, a controller, a
 * broker (master or slave) or a 5.x proxy in CLUSTER mode. Its handle does to it what happens to servers in
 * production, for the lessons about failures:
 * <ul>
 *   <li>{@link #kill()}: SIGKILL, a crash. Nothing is flushed or unregistered; the store stays.</li>
 *   <li>{@link #stop()}: SIGTERM, a graceful shutdown (RocketMQ's own: the broker unregisters from
 *   its NameServers, persists its offsets and flushes its store).</li>
 *   <li>{@link #pause()} / {@link #resume()}: SIGSTOP / SIGCONT, a hung server: its connections stay
 *   open, it answers nothing.</li>
 *   <li>{@link #restart()}: starts it again on the same store directory and the same ports (after a
 *   kill: a recovery).</li>
 * </ul>
 * Its files stay inspectable ({@link #storeDir()}, {@link #logFile()}) until it is closed (with its
 * cluster, or on its own: {@link EmbeddedRocketMQ#startBroker}).
 */
public final class RocketMQServer implements AutoCloseable {

    /** What a server is. */
    public enum Role { NAMESRV, CONTROLLER, BROKER, PROXY }

    private final Role role;
    private final String name;
    private final StackProfile profile;
    private final Map<String, String> settings;
    private final List<String> roleArgs;
    private final Path dir;
    /** Its directory outlives it ({@code ./rocketmq up --cluster}): {@link #close()} is a clean stop. */
    private final boolean kept;
    /** In its directory, or kept after the run when logs are kept ({@link Stack#keptLogsRoot()}). */
    private final Path logDir;
    private volatile ServerProcess.Launched launched;
    private volatile String address;
    private volatile String remotingAddress;
    private volatile String metricsAddress;

    /** Heap, GC and JIT options of its own; null: the stack's. */
    private final List<String> jvmOptions;

    private RocketMQServer(Role role, String name, StackProfile profile, Map<String, String> settings, List<String> roleArgs,
                           Path dir, boolean kept, List<String> jvmOptions) {
        this.jvmOptions = jvmOptions == null ? null : List.copyOf(jvmOptions);
        this.role = role;
        this.name = name;
        this.profile = profile;
        this.settings = Map.copyOf(settings);
        this.roleArgs = new ArrayList<>(roleArgs);
        this.dir = dir;
        this.kept = kept;
        this.logDir = kept ? dir.resolve("logs") : WorkDir.logDirFor(dir);
    }

    /** Starts a server: {@code roleArgs} as ServerMain takes them ({@code --role broker --namesrv ...}). */
    static RocketMQServer start(Role role, String name, StackProfile profile, Map<String, String> settings, List<String> roleArgs) {
        return start(role, name, profile, settings, roleArgs, null, null);
    }

    /**
     * {@code keptDir}: its directory, kept across runs and used again by the next start (its
     * {@code roleArgs} then name its ports with {@code --listen}); null: a temporary one.
     */
    static RocketMQServer start(Role role, String name, StackProfile profile, Map<String, String> settings, List<String> roleArgs,
                                Path keptDir, List<String> jvmOptions) {
        Path dir;
        try {
            dir = keptDir != null ? java.nio.file.Files.createDirectories(keptDir) : ServerProcess.newMemberDir(name);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
        }
        RocketMQServer server = new RocketMQServer(role, name, profile, settings, roleArgs, dir, keptDir != null, jvmOptions);
        try {
            server.launch();
        } catch (RuntimeException e) {
            if (keptDir == null) {
                WorkDir.deleteTree(dir); // its log's last lines are in the exception
            }
            throw e;
        }
        return server;
    }

    private void launch() {
        launched = ServerProcess.launchMember(profile, settings, roleArgs, dir, logDir, kept, jvmOptions);
        String ready = launched.readyLine();
        if (address == null) {
            address = ServerProcess.field(ready, switch (role) {
                case NAMESRV -> "namesrv";
                case CONTROLLER -> "controller";
                case BROKER -> "broker";
                case PROXY -> "proxy";
            });
            if (role == Role.PROXY) {
                remotingAddress = ServerProcess.field(ready, "proxyRemoting");
            }
            if (ready.contains(" metrics=")) {
                metricsAddress = ServerProcess.field(ready, "metrics");
            }
        }
        if (!roleArgs.contains("--listen")) {
            // The first start chose free ports; every restart binds the same ones.
            roleArgs.add("--listen");
            roleArgs.add(address.substring(address.lastIndexOf(':') + 1));
            if (role == Role.PROXY) {
                roleArgs.add("--remoting-port");
                roleArgs.add(remotingAddress.substring(remotingAddress.lastIndexOf(':') + 1));
            }
            if (metricsAddress != null) {
                roleArgs.add("--metrics-port");
                roleArgs.add(metricsAddress.substring(metricsAddress.lastIndexOf(':') + 1));
            }
        }
    }

    public Role role() {
        return role;
    }

    /**
     * Its name in the cluster: {@code namesrv-1}, {@code controller-1}, {@code broker-a-0} (the
     * first broker of group broker-a: its master unless a controller elected another),
     * {@code broker-a-1}, {@code proxy}.
     */
    public String name() {
        return name;
    }

    /** host:port: the NameServer's, the broker's, or the proxy's gRPC endpoint. */
    public String address() {
        return address;
    }

    /** The proxy's remoting endpoint (classic clients through the proxy); null for other roles. */
    public String remotingAddress() {
        return remotingAddress;
    }

    /**
     * host:port of a broker's Prometheus exporter ({@code http://host:port/metrics}) when its
     * cluster exports metrics ({@link RocketMQCluster.Topology#metrics()}); null otherwise.
     */
    public String metricsAddress() {
        return metricsAddress;
    }

    /** The process id of its current JVM. */
    public long pid() {
        return launched.process().pid();
    }

    /** Its resident memory (VmRSS) in MB, or -1 where /proc is not there (not Linux). */
    public long residentMegabytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // no figure
        }
        return -1;
    }

    public boolean isAlive() {
        return launched.process().isAlive();
    }

    /** Its directory: {@code store/} (commitlog, consumequeue, index, config), {@code logs/}. */
    public Path directory() {
        return dir;
    }

    /** The broker's store: {@code commitlog/}, {@code consumequeue/}, {@code index/}, {@code config/}, {@code abort}. */
    public Path storeDir() {
        return dir.resolve("store");
    }

    /** Its RocketMQ log ({@code rocketmq.log}: NameServer, broker or proxy, whichever it is). */
    public Path logFile() {
        return logDir.resolve("rocketmq.log");
    }

    /**
     * Its RocketMQ log files ({@code broker.log}, {@code store.log}, {@code remoting.log}, ...;
     * {@code namesrv.log}; {@code proxy.log}) when its cluster logs as an installation does
     * ({@link RocketMQCluster.Topology#rocketmqLogging()}): {@code ~/logs/rocketmqlogs} of its home.
     */
    public Path rocketmqLogDir() {
        return dir.resolve("home").resolve("logs").resolve("rocketmqlogs");
    }

    /** The logging configuration it runs with under {@link RocketMQCluster.Topology#rocketmqLogging()}: {@code conf/rmq.<role>.logback.xml}. */
    public Path logbackConfig() {
        return dir.resolve("conf").resolve("rmq." + role.name().toLowerCase(java.util.Locale.ROOT) + ".logback.xml");
    }

    /** SIGKILL: a crash. Returns when the process is gone; the store stays as the crash left it. */
    public void kill() {
        launched.process().destroyForcibly();
        awaitExit(10);
    }

    /**
     * SIGTERM: RocketMQ's graceful shutdown (a broker unregisters from its NameServers, persists its
     * offsets, flushes its store). Returns when the process has ended.
     */
    public void stop() {
        launched.process().toHandle().destroy(); // SIGTERM; Process.destroy() would also close our pipes first
        awaitExit(60);
    }

    /** SIGSTOP: the server hangs, its connections open; nothing it should answer is answered. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT: it runs on from where it stopped. */
    public void resume() {
        signal("CONT");
    }

    /** Starts it again, on the same store directory and ports (stopping it gracefully first if it runs). */
    public void restart() {
        if (isAlive()) {
            stop();
        }
        launch();
    }

    /**
     * Ends the process at once, as its parent's end would, and deletes its directory; a kept
     * server ({@code ./rocketmq up --cluster}) is stopped cleanly instead, its directory kept.
     */
    @Override
    public void close() {
        if (kept) {
            if (isAlive()) {
                stop();
            }
            return;
        }
        if (isAlive()) {
            ServerProcess.stop(launched.process(), null, 2);
        }
        WorkDir.deleteTree(dir);
    }

    /** Once its process has ended: the line of its clean stop ({@code STOPPED <ms>}), or empty when it ended otherwise. */
    java.util.Optional<String> stopReport() {
        try {
            return launched.stopped().get(10, TimeUnit.SECONDS); // its output read to the end
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private void awaitExit(int seconds) {
        try {
            if (!launched.process().waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not send SIG" + signal + " to " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + role + " at " + address + ", pid " + pid() + ")";
    }
}
