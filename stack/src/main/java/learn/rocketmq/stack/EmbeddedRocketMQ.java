package learn.rocketmq.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

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
 */
public final class EmbeddedRocketMQ implements AutoCloseable {

    private static final String RESOURCES = "learn/rocketmq/stack/";
    private static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"), "learn-rocketmq");
    private static final long START_TIMEOUT_SECONDS = 90;

    private final Process process;
    private final Path baseDir;
    private final Path logDir;
    private final RocketMQ rocketMQ;
    private final String brokerAddress;
    private final long startMillis;
    private final long stopWaitSeconds;
    private final Launched server;

    private EmbeddedRocketMQ(Launched server, RocketMQ rocketMQ, String brokerAddress) {
        this.server = server;
        this.process = server.process;
        this.baseDir = server.baseDir;
        this.logDir = server.logDir;
        this.stopWaitSeconds = server.stopWaitSeconds;
        this.startMillis = server.millis;
        this.rocketMQ = rocketMQ;
        this.brokerAddress = brokerAddress;
    }

    /** Starts a stack on free ports and waits until its broker is registered and the proxy listens. */
    public static EmbeddedRocketMQ start(StackProfile profile) {
        return start(profile, Map.of(), false);
    }

    /**
     * A stack with some settings of its own, on top of config/broker.conf and the profile: e.g.
     * {@code Map.of("enablePropertyFilter", "false")} to show the error a broker without SQL92
     * filtering gives, or {@code "proxy.grpcServerPort"} style keys (prefix "proxy.") for the proxy.
     * Start it in the test that needs it and close it there; it costs ~3 s.
     */
    public static EmbeddedRocketMQ start(StackProfile profile, Map<String, String> brokerSettings) {
        return start(profile, brokerSettings, false);
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

    private static EmbeddedRocketMQ start(StackProfile profile, Map<String, String> settings, boolean standardPorts) {
        return start(profile, settings, standardPorts, null);
    }

    private static EmbeddedRocketMQ start(StackProfile profile, Map<String, String> settings, boolean standardPorts,
                                          Path dataDir) {
        List<String> args = new ArrayList<>();
        if (standardPorts) {
            args.add("--standard-ports");
        }
        Launched server = launch(profile, settings, args, dataDir);
        String namesrv = field(server.readyLine, "namesrv");
        String proxy = field(server.readyLine, "proxy");
        RocketMQ rocketMQ = new RocketMQ(namesrv, proxy,
            "an embedded RocketMQ 5.5.0 (NameServer " + namesrv + ", proxy " + proxy + ", started in "
                + server.millis + " ms, " + (profile == StackProfile.FAST_TESTS ? "fast-test timing" : "default settings") + ")",
            profile);
        return new EmbeddedRocketMQ(server, rocketMQ, field(server.readyLine, "broker"));
    }

    /**
     * One more broker, in a process of its own, registering with this stack's NameServer: a second
     * master of the cluster ({@code brokerName=broker-b}), or a slave of this stack's broker
     * ({@code brokerName=broker-a, brokerId=1, brokerRole=SLAVE}). Same config/broker.conf and
     * profile as this stack, then {@code settings}, which must name the broker. It serves classic
     * clients; the proxy (5.x clients) stays with the first broker. Close it, or kill its
     * {@link EmbeddedBroker#serverProcess()} on purpose; it ends with this stack's JVM anyway.
     */
    public EmbeddedBroker startBroker(Map<String, String> settings) {
        if (!settings.containsKey("brokerName")) {
            throw new IllegalArgumentException("name the broker: startBroker(Map.of(\"brokerName\", \"broker-b\", ...))");
        }
        Launched server = launch(rocketMQ.profile(), settings, List.of("--join", rocketMQ.nameServer()), null);
        return new EmbeddedBroker(settings.get("brokerName"), field(server.readyLine, "broker"), server.process,
            server.baseDir, server.logDir, server.stopWaitSeconds);
    }

    /**
     * A server process that printed its READY line; {@code stopped} completes with its
     * {@code STOPPED} line (a kept store's clean stop) or empty when the process ends without one.
     */
    private record Launched(Process process, Path baseDir, Path logDir, String readyLine, long millis, long stopWaitSeconds,
                            boolean kept, CompletableFuture<Optional<String>> stopped) {
    }

    /** {@code keptDir}: the store's directory, kept across runs ({@code ./rocketmq up}); null: a temporary one. */
    private static Launched launch(StackProfile profile, Map<String, String> settings, List<String> serverArgs, Path keptDir) {
        long t0 = System.nanoTime();
        boolean kept = keptDir != null;
        try {
            Files.createDirectories(WORK);
            sweepOrphans();
            Path baseDir = kept ? Files.createDirectories(keptDir)
                : Files.createTempDirectory(WORK, "stack-" + ProcessHandle.current().pid() + "-");
            Path logs = Files.createDirectories(kept ? baseDir.resolve("logs") : logDirFor(baseDir));
            Files.createDirectories(baseDir.resolve("home"));

            List<String> classPath = serverClassPath();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(kept ? longLivedJvmOptions() : quickStartJvmOptions());
            command.addAll(commonJvmOptions(baseDir, logs));
            command.addAll(classDataSharing(classPath, kept ? "long-lived" : "quick-start"));
            command.add("-cp");
            command.add(String.join(java.io.File.pathSeparator, classPath));
            command.add("learn.rocketmq.stack.server.ServerMain");
            command.add("--base-dir");
            command.add(baseDir.toString());
            command.add("--watch-stdin");
            if (kept) {
                command.add("--keep-store");
            }
            // TLS and plaintext on every port, as a default installation (certificate made once).
            command.add("--tls-dir");
            command.add(WORK.resolve("tls").toString());
            command.addAll(serverArgs);
            if (profile == StackProfile.FAST_TESTS) {
                command.add("--fast-tests");
            }
            settings.forEach((key, value) -> {
                command.add("--set");
                command.add(key + "=" + value);
            });
            Process process = new ProcessBuilder(command)
                .redirectError(kept ? ProcessBuilder.Redirect.appendTo(logs.resolve("server-stderr.log").toFile())
                    : ProcessBuilder.Redirect.to(logs.resolve("server-stderr.log").toFile()))
                .start();
            recordArchiveOwner(command, process);
            // A run that records the class-data archive needs a few seconds after it is told to stop;
            // a clean stop of a kept store, the broker's own shutdown (seconds).
            long stopWaitSeconds = writesArchive(command) || kept ? 60 : 2;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, kept ? null : baseDir, stopWaitSeconds),
                "embedded-rocketmq-stop"));

            CompletableFuture<Optional<String>> stopped = new CompletableFuture<>();
            String ready = awaitReadyLine(process, logs, stopped);
            return new Launched(process, baseDir, logs, ready, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                stopWaitSeconds, kept, stopped);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded RocketMQ: " + e.getMessage(), e);
        }
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
        return field(server.readyLine, "proxyRemoting");
    }

    /** The server process's exit code, once it has ended. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** The server process: its pid, its memory; phase 5 kills it on purpose. */
    public ProcessHandle serverProcess() {
        return process.toHandle();
    }

    /** Where the server keeps its store ({@code store/}). */
    public Path baseDir() {
        return baseDir;
    }

    /**
     * The server's logs ({@code rocketmq.log}, {@code server-stderr.log}): inside {@link #baseDir()}
     * and deleted with it, unless logs are kept ({@link Stack#keptLogsRoot()}).
     */
    public Path logDir() {
        return logDir;
    }

    public long startMillis() {
        return startMillis;
    }

    /**
     * A temporary stack: ends the server process at once (no slow graceful broker shutdown) and
     * deletes its files. A kept store ({@link #startStandalone}): stops the servers cleanly and
     * keeps them; see {@link #stopReport()}.
     */
    @Override
    public void close() {
        stop(process, server.kept ? null : baseDir, stopWaitSeconds);
    }

    /**
     * For a kept store, once its process has ended: "stopped cleanly in N ms", or empty when it
     * ended without a clean stop (killed, crashed).
     */
    public Optional<String> stopReport() {
        return server.stopped.join().map(line -> "stopped cleanly in " + line.substring(line.indexOf(' ') + 1) + " ms");
    }

    /** {@code baseDir} null: keep the directory. */
    static void stop(Process process, Path baseDir, long waitSeconds) {
        try {
            process.getOutputStream().close(); // the child's cue: it halts and deletes its directory
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(waitSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (baseDir != null) {
            deleteTree(baseDir);
        }
    }

    private static String awaitReadyLine(Process process, Path logs, CompletableFuture<Optional<String>> stopped)
        throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(learn.rocketmq.stack.server.ServerMain.READY + " ") || line.startsWith("FAILED ")) {
                        return line;
                    }
                }
                return "FAILED the server process exited (code " + process.waitFor() + ")";
            } catch (IOException | InterruptedException e) {
                return "FAILED " + e;
            }
        });
        String line;
        try {
            line = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            line = "FAILED not ready within " + START_TIMEOUT_SECONDS + " s";
        } catch (Exception e) {
            line = "FAILED " + e;
        }
        if (line.startsWith("FAILED ")) {
            String tail = tail(logs.resolve("server-stderr.log"), 15) + tail(logs.resolve("rocketmq.log"), 15);
            process.destroyForcibly();
            throw new IllegalStateException("The embedded RocketMQ did not start: " + line.substring(7)
                + "\n--- last lines of its logs ---\n" + tail);
        }
        // Keep draining stdout so the child never blocks on a full pipe; the rest goes to its log files.
        Thread drain = new Thread(() -> {
            try {
                String next;
                while ((next = out.readLine()) != null) {
                    if (next.startsWith(learn.rocketmq.stack.server.ServerMain.STOPPED + " ")) {
                        stopped.complete(Optional.of(next));
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
            stopped.complete(Optional.empty());
        }, "embedded-rocketmq-stdout");
        drain.setDaemon(true);
        drain.start();
        return line;
    }

    private static String field(String readyLine, String name) {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + readyLine);
    }

    /**
     * A server's log directory: {@code <its dir>/logs}, deleted with it, or, when logs are kept
     * ({@link Stack#keptLogsRoot()}), a directory of its own there, named by start time and stack.
     */
    private static Path logDirFor(Path baseDir) {
        return Stack.keptLogsRoot()
            .map(root -> root.resolve(java.time.LocalDateTime.now().format(LOG_DIR_TIME) + "-" + baseDir.getFileName()))
            .orElse(baseDir.resolve("logs"));
    }

    private static final java.time.format.DateTimeFormatter LOG_DIR_TIME =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * A stack for one lesson or one test JVM: small and quick to start, a learning broker, not a
     * production one. C1 only: the server does little work and starts much faster.
     */
    private static List<String> quickStartJvmOptions() {
        return List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    /**
     * {@code ./rocketmq up}: a server that runs for hours and may be benchmarked, set up as
     * RocketMQ's own start scripts set up a broker (G1 and its tuning from bin/runbroker.sh, full
     * JIT), with a heap for a laptop instead of their -Xms8g (one JVM holds NameServer, broker
     * and proxy).
     */
    private static List<String> longLivedJvmOptions() {
        return List.of("-server", "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=16m",
            "-XX:G1ReservePercent=25", "-XX:InitiatingHeapOccupancyPercent=30", "-XX:SoftRefLRUPolicyMSPerMB=0",
            "-XX:-OmitStackTraceInFastThrow");
    }

    private static List<String> commonJvmOptions(Path baseDir, Path logs) {
        return List.of(
            // Direct memory: every thread that writes to the store (send, pull/pop, ack, proxy
            // gRPC, schedule, timer, revive, ...) keeps its own encoder buffer of maxMessageSize
            // (4 MiB) + 64 KiB, allocated on first use: 256m ran out after ~60 of them, and
            // writes then failed with "OutOfMemoryError: Cannot reserve 4259840 bytes of direct
            // buffer memory" (5.x retries and large batches stopped). A limit, not a reservation.
            "-XX:MaxDirectMemorySize=1g", "-Xshare:auto",
            // Everything the server writes goes below its base directory, never the learner's home.
            "-Duser.home=" + baseDir.resolve("home"),
            "-Drocketmq.home.dir=" + baseDir,
            "-Dstack.log.dir=" + logs,
            "-Drmq.logback.configurationFile=" + RESOURCES + "server-logback.xml",
            // What RocketMQ's own start scripts open up on JDK 9+ (memory-mapped files, Netty).
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-exports=java.base/sun.security.x509=ALL-UNNAMED");
    }

    /**
     * JDK class-data sharing: the first run writes an archive of every class it loaded, later runs
     * map it instead of loading and verifying thousands of classes again. Keyed by JDK, class path
     * and JVM settings (the quick-start and long-lived ones each have their own).
     */
    private static List<String> classDataSharing(List<String> classPath, String flavour) throws IOException {
        Path dir = Files.createDirectories(WORK.resolve("cds"));
        String key = sha256(flavour + "|" + System.getProperty("java.home") + "|" + Runtime.version() + "|"
            + String.join("|", classPath));
        Path archive = dir.resolve(key + ".jsa");
        if (Files.exists(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        // A first run records "<key>.jsa.part" as its JVM exits, its pid in "<key>.jsa.pid";
        // once that process is gone the archive is complete. One recorder at a time.
        Path part = dir.resolve(key + ".jsa.part");
        Path owner = dir.resolve(key + ".jsa.pid");
        try {
            if (Files.exists(part)) {
                boolean recording = ownerAlive(owner)
                    || (!Files.exists(owner) && System.currentTimeMillis() - Files.getLastModifiedTime(part).toMillis() < 120_000);
                if (recording) {
                    return List.of();
                }
                if (Files.size(part) > 0) {
                    Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(owner);
                    return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
                }
                Files.deleteIfExists(part);
            }
            if (ownerAlive(owner)) {
                return List.of(); // another JVM is about to record
            }
            Files.writeString(owner, "starting");
        } catch (IOException | RuntimeException ignored) {
            return List.of(); // only an optimisation
        }
        return List.of("-XX:ArchiveClassesAtExit=" + part, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    private static boolean ownerAlive(Path owner) {
        try {
            String text = Files.readString(owner).trim();
            if (text.equals("starting")) {
                return System.currentTimeMillis() - Files.getLastModifiedTime(owner).toMillis() < 120_000;
            }
            return ProcessHandle.of(Long.parseLong(text)).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Tells later starts which process records the archive (see {@link #classDataSharing}). */
    private static void recordArchiveOwner(List<String> command, Process process) {
        command.stream().filter(o -> o.startsWith("-XX:ArchiveClassesAtExit=")).findFirst().ifPresent(option -> {
            try {
                String part = option.substring("-XX:ArchiveClassesAtExit=".length());
                Files.writeString(Path.of(part.substring(0, part.length() - ".part".length()) + ".pid"),
                    Long.toString(process.pid()));
            } catch (IOException ignored) {
                // only an optimisation
            }
        });
    }

    private static boolean writesArchive(List<String> command) {
        return command.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="));
    }

    /**
     * The server's class path: this module's server classes as a jar (CDS accepts jars only),
     * then the jars listed in server.classpath, written by the stack module's build.
     */
    static List<String> serverClassPath() throws IOException {
        URL listing = EmbeddedRocketMQ.class.getClassLoader().getResource(RESOURCES + "server.classpath");
        if (listing == null) {
            listing = buildServerClassPathListing();
        }
        List<String> classPath = new ArrayList<>();
        classPath.add(serverJar(listing).toString());
        try (InputStream in = listing.openStream()) {
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    classPath.add(entry);
                }
            }
        }
        return classPath;
    }

    /**
     * An IDE that compiled the project itself did not run the Maven step that writes
     * server.classpath: run it now (once), from the project's own Maven wrapper.
     */
    private static URL buildServerClassPathListing() throws IOException {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("stack/pom.xml"))) {
            dir = dir.getParent();
        }
        String hint = "server.classpath is missing from the stack module: run ./mvnw -q install -DskipTests once"
            + " in the project (./lesson does it for you)";
        if (dir == null) {
            throw new IllegalStateException(hint);
        }
        boolean windows = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("win");
        Path wrapper = dir.resolve(windows ? "mvnw.cmd" : "mvnw");
        System.out.println("[stack] preparing the server class path (once): " + wrapper + " -q -pl stack generate-resources");
        try {
            Process build = new ProcessBuilder(wrapper.toString(), "-q", "-B", "-pl", "stack", "generate-resources")
                .directory(dir.toFile()).inheritIO().start();
            if (build.waitFor() != 0) {
                throw new IllegalStateException(hint);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(hint, e);
        }
        Path file = dir.resolve("stack/target/classes/" + RESOURCES + "server.classpath");
        if (!Files.exists(file)) {
            throw new IllegalStateException(hint);
        }
        return file.toUri().toURL();
    }

    /** The jar holding ServerMain: the stack jar itself, or one made from target/classes. */
    private static Path serverJar(URL listing) throws IOException {
        String url = listing.toString();
        try {
            if (url.startsWith("jar:file:")) {
                return Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI());
            }
            Path classes = Path.of(listing.toURI()).getParent().getParent().getParent().getParent();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(classes.resolve(RESOURCES))) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            // Named by content, so a rebuild with the same classes keeps the class-data archive valid.
            StringBuilder fingerprint = new StringBuilder();
            for (Path f : files) {
                fingerprint.append(classes.relativize(f)).append(':').append(sha256(Files.readAllBytes(f))).append(';');
            }
            Path jar = Files.createDirectories(WORK.resolve("jars")).resolve("stack-server-" + sha256(fingerprint.toString()) + ".jar");
            if (!Files.exists(jar)) {
                Path tmp = Files.createTempFile(jar.getParent(), "stack-server", ".tmp");
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
                    for (Path f : files) {
                        JarEntry entry = new JarEntry(classes.relativize(f).toString().replace('\\', '/'));
                        entry.setTime(0);
                        out.putNextEntry(entry);
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
                Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return jar;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** Deletes stack directories whose JVM is gone (a parent killed together with its child). */
    private static void sweepOrphans() {
        try (Stream<Path> dirs = Files.list(WORK)) {
            dirs.filter(d -> d.getFileName().toString().startsWith("stack-")).forEach(d -> {
                String[] parts = d.getFileName().toString().split("-");
                try {
                    long pid = Long.parseLong(parts[1]);
                    Optional<ProcessHandle> owner = ProcessHandle.of(pid);
                    if (owner.isEmpty() || !owner.get().isAlive()) {
                        deleteTree(d);
                    }
                } catch (RuntimeException ignored) {
                    // not ours
                }
            });
        } catch (IOException ignored) {
            // nothing to sweep
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    private static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
