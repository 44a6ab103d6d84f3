package learn.rocketmq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Prometheus or Alertmanager process from the machine's own installation (they are Go
 * programs, not on Maven Central): found on the PATH, started on a free port of 127.0.0.1 in a
 * directory of its own, ended with its JVM. It runs under {@code sh}, which ends it as soon as
 * this JVM's pipe to it closes, so even a killed test leaves none behind.
 */
final class MonitoringProcess implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path dir;
    private final String address;

    private MonitoringProcess(String name, Process process, Path dir, String address) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.address = address;
    }

    /** The program's path: the first of {@code names} on the PATH (or where Debian and Homebrew put it). */
    static Path find(String what, String install, String... names) {
        List<Path> dirs = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isBlank()) {
                dirs.add(Path.of(d));
            }
        }
        dirs.addAll(List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/opt/homebrew/bin")));
        for (Path d : dirs) {
            for (String n : names) {
                Path p = d.resolve(n);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new RocketMQUnavailableException(what + " is not installed (no " + String.join(" or ", names)
            + " on the PATH): install it with " + install + ", then run again");
    }

    /**
     * Starts {@code program args} in {@code dir} and waits (at most 30 s) until
     * {@code http://address + readyPath} answers 200.
     */
    static MonitoringProcess start(String name, Path program, List<String> args, Path dir, String address, String readyPath) {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
            // A watcher reads our pipe (fd 3: a background job's stdin is /dev/null) and ends the
            // program, which replaces the shell (same pid), when the pipe closes.
            "exec 3<&0; (cat <&3 >/dev/null; kill $$ 2>/dev/null) & exec \"$0\" \"$@\"", program.toString()));
        command.addAll(args);
        Path log = dir.resolve(name + ".log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
        }
        MonitoringProcess started = new MonitoringProcess(name, process, dir, address);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (started.get(readyPath).map(r -> r.statusCode() != 200).orElse(true)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = (process.isAlive() ? "not ready in 30 s" : "it exited") + "); its log ends:\n" + WorkDir.tail(log, 15);
                started.close();
                throw new IllegalStateException(name + " did not start (" + why);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return started;
    }

    String address() {
        return address;
    }

    /** GET http://address + path; empty when nothing answers. */
    Optional<HttpResponse<String>> get(String path) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A free port on 127.0.0.1 for such a process. */
    static int freePort() {
        try {
            return learn.rocketmq.stack.server.ServerMain.Ports.one();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // sh kills the program
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        WorkDir.deleteTree(dir);
    }

    @Override
    public String toString() {
        return name + " at http://" + address;
    }
}
