package learn.rocketmq.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Launching a server JVM ({@code learn.rocketmq.stack.server.ServerMain}) and stopping it: its
 * command line, its READY line, its STOPPED line, and no orphans (the child exits when its standard
 * input closes, which happens when this JVM ends for any reason, {@code kill -9} included).
 */
final class ServerProcess {

    private static final long START_TIMEOUT_SECONDS = 90;

    private ServerProcess() {
    }

    /**
     * A server process that printed its READY line; {@code stopped} completes with its
     * {@code STOPPED} line (a kept store's clean stop) or empty when the process ends without one.
     */
    record Launched(Process process, Path baseDir, Path logDir, String readyLine, long millis, long stopWaitSeconds,
                            boolean kept, CompletableFuture<Optional<String>> stopped) {
    }

    /** {@code keptDir}: the store's directory, kept across runs ({@code ./rocketmq up}); null: a temporary one. */
    static Launched launch(StackProfile profile, Map<String, String> settings, List<String> serverArgs, Path keptDir) {
        return launch(profile, settings, serverArgs, keptDir, null, keptDir != null, null);
    }

    /**
     * A server of a cluster ({@link RocketMQServer}): in {@code memberDir}, kept across its
     * restarts; a stop (SIGTERM) is a graceful shutdown. {@code kept} false: the directory (made by
     * {@link #newMemberDir}) goes with its cluster or when this JVM ends. {@code kept} true
     * ({@code ./rocketmq up --cluster}): it stays, and this JVM's end stops the server cleanly.
     */
    static Launched launchMember(StackProfile profile, Map<String, String> settings, List<String> serverArgs, Path memberDir,
                                 Path logDir, boolean kept, List<String> jvmOptions) {
        return launch(profile, settings, serverArgs, memberDir, logDir, kept, jvmOptions);
    }

    /** A new directory for a cluster's server, swept like a test stack's once this JVM is gone. */
    static Path newMemberDir(String name) throws IOException {
        Files.createDirectories(WorkDir.WORK);
        WorkDir.sweepOrphans();
        return Files.createTempDirectory(WorkDir.WORK, "stack-" + ProcessHandle.current().pid() + "-" + name + "-");
    }

    /**
     * {@code memberLogDir}: a cluster member's log directory, the same across its restarts; null
     * otherwise. {@code kept}: the directory outlives the process, which stops cleanly.
     */
    /** {@code jvmOptions}: heap, GC and JIT options instead of the defaults below; null for those. */
    private static Launched launch(StackProfile profile, Map<String, String> settings, List<String> serverArgs, Path dir,
                                   Path memberLogDir, boolean kept, List<String> jvmOptions) {
        long t0 = System.nanoTime();
        boolean member = memberLogDir != null;
        try {
            Files.createDirectories(WorkDir.WORK);
            WorkDir.sweepOrphans();
            Path baseDir = dir != null ? Files.createDirectories(dir)
                : Files.createTempDirectory(WorkDir.WORK, "stack-" + ProcessHandle.current().pid() + "-");
            Path logs = Files.createDirectories(member ? memberLogDir : kept ? baseDir.resolve("logs") : WorkDir.logDirFor(baseDir));
            Files.createDirectories(baseDir.resolve("home"));

            List<String> classPath = ServerClassPath.serverClassPath();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // ./rocketmq up --cluster's servers start as a test's do: eight JVMs compiling with C2
            // side by side took 30 s on 2 cores, and a learning cluster is not benchmarked.
            boolean longLived = kept && !member;
            command.addAll(jvmOptions != null ? jvmOptions : longLived ? ServerJvm.longLivedJvmOptions()
                : "PROM".equals(settings.get("metricsExporterType")) ? ServerJvm.scrapedJvmOptions() : ServerJvm.quickStartJvmOptions());
            command.addAll(ServerJvm.commonJvmOptions(baseDir, logs));
            // No class data archive for options of a lesson's own (a GC or heap being measured): none made for them.
            command.addAll(jvmOptions != null ? List.of() : ClassDataSharing.classDataSharing(classPath, longLived ? "long-lived" : "quick-start"));
            command.add("-cp");
            command.add(String.join(java.io.File.pathSeparator, classPath));
            command.add("learn.rocketmq.stack.server.ServerMain");
            command.add("--base-dir");
            command.add(baseDir.toString());
            command.add("--watch-stdin");
            if (kept) {
                command.add("--keep-store");
            }
            if (member) {
                command.add("--cluster-member");
            }
            // TLS and plaintext on every port, as a default installation (certificate made once).
            command.add("--tls-dir");
            command.add(WorkDir.WORK.resolve("tls").toString());
            command.addAll(serverArgs);
            if (profile == StackProfile.FAST_TESTS) {
                command.add("--fast-tests");
            }
            settings.forEach((key, value) -> {
                command.add("--set");
                command.add(key + "=" + value);
            });
            Process process = new ProcessBuilder(command)
                .redirectError(kept || member ? ProcessBuilder.Redirect.appendTo(logs.resolve("server-stderr.log").toFile())
                    : ProcessBuilder.Redirect.to(logs.resolve("server-stderr.log").toFile()))
                .start();
            ClassDataSharing.recordArchiveOwner(command, process);
            // A run that records the class-data archive needs a few seconds after it is told to stop;
            // a clean stop of a kept store, the broker's own shutdown (seconds).
            long stopWaitSeconds = ClassDataSharing.writesArchive(command) || kept || member ? 60 : 2;
            // A member's directory outlives its process (a restart uses it): its cluster deletes it.
            // A kept member is stopped by its cluster, in order (or, if this JVM dies, by the end of its input).
            if (!(member && kept)) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, kept || member ? null : baseDir,
                    member ? 2 : stopWaitSeconds), "embedded-rocketmq-stop"));
            }

            CompletableFuture<Optional<String>> stopped = new CompletableFuture<>();
            String ready = awaitReadyLine(process, logs, stopped);
            return new Launched(process, baseDir, logs, ready, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                stopWaitSeconds, kept, stopped);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded RocketMQ: " + e.getMessage(), e);
        }
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
            WorkDir.deleteTree(baseDir);
        }
    }

    static String awaitReadyLine(Process process, Path logs, CompletableFuture<Optional<String>> stopped)
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
            String tail = WorkDir.tail(logs.resolve("server-stderr.log"), 15) + WorkDir.tail(logs.resolve("rocketmq.log"), 15);
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

    static String field(String readyLine, String name) {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + readyLine);
    }
}
