package learn.rocketmq.projects.logaggregation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a {@code LoggingService} as a process of its own (this JVM's Java and class path), its
 * output in a file, and waits for it to end: each service of the project is a separate JVM with
 * its own Logback, as it would be in production.
 */
public final class ServiceProcess {

    static final String MAIN_CLASS = "learn.rocketmq.projects.logaggregation.LoggingService";

    private final Process process;
    private final String service;
    private final Path output;

    private ServiceProcess(Process process, String service, Path output) {
        this.process = process;
        this.service = service;
        this.output = output;
    }

    /** Starts service {@code service} logging {@code lines} events of run {@code run} to the RocketMQ at {@code nameServer}. */
    public static ServiceProcess start(String nameServer, String service, int lines, String run, Path outputDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), MAIN_CLASS,
            "--namesrv", nameServer, "--service", service, "--lines", String.valueOf(lines), "--run", run));
        Path output = outputDir.resolve(service + "-" + run + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new ServiceProcess(process, service, output);
    }

    /** Waits (bounded) for the service to end; fails, with its output's path, unless it ended with 0. */
    public void awaitExit() throws Exception {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("service " + service + " still running after 60 s; its output: " + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("service " + service + " exited with " + process.exitValue() + "; its output: " + output);
        }
    }
}
