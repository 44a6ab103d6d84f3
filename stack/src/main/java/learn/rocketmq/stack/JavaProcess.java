package learn.rocketmq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A class of a lesson or project run in a JVM of its own (this JVM's Java and class path), its
 * output in a file: a service of a project as the separate process it is in production, which a
 * test can SIGKILL. It ends when its standard input closes ({@link #stop()}: the program is
 * expected to read {@code System.in} and shut down cleanly at its end) or when it is killed.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path output;

    private JavaProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code mainClass} with {@code args}; its output (both streams) goes to
     * {@code outputDir/name.out}, appended, so a restarted process keeps the story of the killed one.
     */
    public static JavaProcess start(String name, String mainClass, List<String> args, Path outputDir) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            mainClass));
        command.addAll(args);
        Path output = outputDir.resolve(name + ".out");
        try {
            Files.createDirectories(outputDir);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            return new JavaProcess(name, process, output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " (" + mainClass + "): " + e.getMessage(), e);
        }
    }

    /**
     * Waits (bounded) until the output has {@code text} in it more than {@code before} times; fails
     * with the output if the process ends first or the bound passes.
     */
    public void awaitOutput(String text, int before, Duration bound) throws Exception {
        if (!Wait.until(bound, name + " to print \"" + text + "\"", () -> !process.isAlive() || occurrences(text) > before)
            || !process.isAlive()) {
            throw new IllegalStateException(name + (process.isAlive() ? " did not print \"" + text + "\" in " + bound.toSeconds() + " s"
                : " ended with exit code " + process.exitValue()) + "; its output (" + output + "):\n" + output());
        }
    }

    /** How often {@code text} occurs in the output so far. */
    public int occurrences(String text) {
        String out = output();
        int count = 0;
        for (int i = out.indexOf(text); i >= 0; i = out.indexOf(text, i + text.length())) {
            count++;
        }
        return count;
    }

    /** What the process has printed so far (every run of this name, when restarted into the same directory). */
    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path outputFile() {
        return output;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits (bounded) for a program that ends by itself; fails, with its output, unless it ended with 0. */
    public void awaitExit(Duration bound) throws InterruptedException {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " still running after " + bound.toSeconds() + " s; its output: " + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its output (" + output + "):\n" + output());
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye, as a crash or an OOM killer would end it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** A clean stop: closes its standard input and waits up to 30 s for it to end (then kills it). Returns the exit code. */
    public int stop() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
