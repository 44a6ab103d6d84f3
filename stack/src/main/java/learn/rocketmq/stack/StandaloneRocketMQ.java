package learn.rocketmq.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ./rocketmq up}: a RocketMQ that behaves like a default installation, in the foreground
 * until Ctrl-C. The no-Docker twin of {@code docker compose up}: same config files, same ports,
 * RocketMQ's default settings (what differs, and why: stack/README.md). Lessons started from
 * another terminal (or the IDE) find it on 9876/8081.
 *
 * <p>Like an installation it keeps its data (store, NameServer config, logs) across restarts, in
 * {@code ./rocketmq-data} unless {@code --data DIR} says otherwise; {@code --fresh} empties it
 * first. Ctrl-C (or SIGTERM) stops the servers cleanly, as RocketMQ's own shutdown does.
 * {@code --free-ports} runs it on free ports instead of the standard ones (a second stack
 * beside the first); it prints them.
 */
public final class StandaloneRocketMQ {

    private static boolean reported;

    public static void main(String[] args) throws Exception {
        if (java.util.List.of(args).contains("--cluster")) {
            StandaloneCluster.main(args);
            return;
        }
        Path data = Path.of("rocketmq-data");
        boolean fresh = false;
        boolean standardPorts = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--fresh" -> fresh = true;
                case "--free-ports" -> standardPorts = false;
                default -> {
                    System.err.println("ERROR: unknown option " + args[i] + ". Usage: ./rocketmq up [--cluster] [--fresh] [--data DIR] [--free-ports]");
                    System.exit(2);
                }
            }
        }
        data = data.toAbsolutePath();
        String inUse = inUse(data.resolve("store"), data);
        if (inUse != null) {
            System.err.println("ERROR: " + inUse);
            System.exit(1);
        }
        if (fresh) {
            WorkDir.deleteTree(data);
        }
        boolean reused = Files.exists(data.resolve("store/config/topics.json"));
        boolean crashedBefore = Files.exists(data.resolve("store/abort"));

        EmbeddedRocketMQ stack;
        try {
            stack = EmbeddedRocketMQ.startStandalone(data, standardPorts);
        } catch (RuntimeException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
            return;
        }
        RocketMQ rocketmq = stack.rocketMQ();
        System.out.printf("""
            RocketMQ 5.5.0 is up (started in %d ms, pid %d), default settings:
              NameServer     %s    classic clients: setNamesrvAddr("%s")
              Broker         %s   (registered as broker-a in DefaultCluster)
              Proxy (gRPC)   %s    5.x clients: setEndpoints("%s")  (TLS or plaintext)
              Proxy (remoting) %s
              Data           %s   (%s)
              Logs           %s
            Try: ./rocketmq mqadmin clusterList     and, in another terminal: ./lesson SendAndReceive
            Ctrl-C stops it cleanly; ./rocketmq up starts it again with its topics, groups, offsets and
            messages (./rocketmq up --fresh starts empty).
            """, stack.startMillis(), stack.serverProcess().pid(), rocketmq.nameServer(), rocketmq.nameServer(),
            stack.brokerAddress(), rocketmq.proxy(), rocketmq.proxy(), stack.proxyRemotingAddress(), data,
            !reused ? "new" : crashedBefore ? "kept; the last run did not stop cleanly, so the broker recovered its store"
                : "kept from the last run", stack.logDir());

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stack.serverProcess().isAlive()) {
                System.out.println("Stopping RocketMQ cleanly (the broker persists and flushes its store; ~5-10 s)...");
            }
            stack.close(); // tells the server to stop cleanly and waits for it
            // Exit code 0 after a clean stop (not the signal's 130/143), as service managers expect.
            Runtime.getRuntime().halt(report(stack) ? 0 : 1);
        }, "standalone-stop"));
        stack.serverProcess().onExit().join();
        System.exit(report(stack) ? 0 : 1);
    }

    /** Why the data directory cannot be used now (the lock of its broker's {@code store} is held), or null. */
    static String inUse(Path store, Path data) throws java.io.IOException {
        Path lock = store.resolve("lock");
        if (!Files.exists(lock)) {
            return null;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lock,
                java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = channel.tryLock()) {
            return held != null ? null : "another RocketMQ is running on " + data
                + " (its broker holds store/lock): stop that ./rocketmq up first, or give this one --data DIR";
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return "this JVM already runs a RocketMQ on " + data;
        }
    }

    /** Says once how the server ended; true when it stopped cleanly. */
    private static synchronized boolean report(EmbeddedRocketMQ stack) {
        Optional<String> clean = stack.stopReport();
        if (!reported) {
            reported = true;
            if (clean.isPresent()) {
                System.out.println("RocketMQ " + clean.get() + ". Its data is kept in " + stack.baseDir()
                    + ": ./rocketmq up starts it again.");
            } else {
                System.err.println("The RocketMQ server process ended without a clean stop (exit code "
                    + stack.exitCode().map(String::valueOf).orElse("unknown") + "). Its log: " + stack.logDir().resolve("rocketmq.log")
                    + ". Its data is kept: ./rocketmq up recovers the store.");
            }
        }
        return clean.isPresent();
    }
}
