package learn.rocketmq.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the stack keeps its files on this machine: {@code $TMPDIR/learn-rocketmq}, holding each
 * test stack's directory ({@code stack-<pid>-...}, deleted with it, or swept once its JVM is gone),
 * the class-data archives ({@code cds/}), the server jar ({@code jars/}) and the TLS certificate
 * ({@code tls/}). {@code ./rocketmq up} keeps its data elsewhere ({@code ./rocketmq-data}).
 */
public final class WorkDir {

    static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"), "learn-rocketmq");

    private WorkDir() {
    }

    /**
     * A server's log directory: {@code <its dir>/logs}, deleted with it, or, when logs are kept
     * ({@link Stack#keptLogsRoot()}), a directory of its own there, named by start time and stack.
     */
    static Path logDirFor(Path baseDir) {
        return Stack.keptLogsRoot()
            .map(root -> root.resolve(java.time.LocalDateTime.now().format(LOG_DIR_TIME) + "-" + baseDir.getFileName()))
            .orElse(baseDir.resolve("logs"));
    }

    static final java.time.format.DateTimeFormatter LOG_DIR_TIME =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** Deletes stack directories whose JVM is gone (a parent killed together with its child). */
    static void sweepOrphans() {
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

    /** Deletes a directory tree, best effort (a server may still be writing into it). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
