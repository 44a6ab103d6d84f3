package learn.rocketmq.internals.streams;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;

/**
 * A RocketMQ Streams application of the {@code streams-apps} module, run in a JVM of its own: Streams
 * 1.1.1 is built on the 5.0.0 client and cannot share this JVM's class path (5.5.0 client). Its class
 * path is the one that module's build wrote to {@code streams.classpath}; it talks to the same broker
 * as the lesson, over the same protocol, which is what its lessons' tests prove. Output (its log and
 * the 5.0.0 client's) goes to a file.
 */
public final class StreamsProcess implements AutoCloseable {

    private static final String LISTING = "learn/rocketmq/streams/streams.classpath";

    private final Process process;
    private final Path output;
    private final String job;

    private StreamsProcess(Process process, Path output, String job) {
        this.process = process;
        this.output = output;
        this.job = job;
    }

    /** Starts {@code mainClass} of streams-apps with {@code --namesrv --job} and {@code args}; returns once it runs. */
    public static StreamsProcess start(String mainClass, String nameServer, String job, List<String> args, Path outputDir) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Dlogback.configurationFile=learn/rocketmq/streams/streams-logback.xml",
            "-Dstreams.log.level=" + System.getProperty("streams.log.level", "WARN"), "-Drocketmq.client.logRoot=" + outputDir.resolve("client-logs-" + job),
            "-cp", classPath(), mainClass, "--namesrv", nameServer, "--job", job));
        command.addAll(args);
        Path output = outputDir.resolve(job + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        StreamsProcess streams = new StreamsProcess(process, output, job);
        if (!Wait.until(Duration.ofSeconds(60), "Streams job " + job + " to start",
            () -> !process.isAlive() || Files.readString(output).contains("[streams] " + job + " running")) || !process.isAlive()) {
            process.destroyForcibly();
            throw new IllegalStateException("Streams job " + job + " did not start; its output:\n" + Files.readString(output));
        }
        return streams;
    }

    /**
     * Sends each probe record to {@code topic} every 200 ms until the job says it consumes what the probe
     * stands for ({@code "source"}, or {@code "key <k>"} behind a keyBy): Streams' consumers start at the
     * group's last offset, fixed at their first pull, so records sent before may be skipped. What the
     * lesson sends afterwards is read in full. Returns how many probes were sent.
     */
    public int awaitConsuming(DefaultMQProducer producer, String topic, java.util.Map<String, String> probes) throws Exception {
        int[] sent = {0};
        long start = System.nanoTime();
        if (!Wait.until(Duration.ofSeconds(60), "Streams job " + job + " to consume " + probes.keySet(), () -> {
            String out = output();
            java.util.List<String> waiting = probes.keySet().stream().filter(p -> !out.contains("[streams] " + job + " consuming " + p + "\n")).toList();
            if (waiting.isEmpty()) {
                return true;
            }
            if (sent[0] == 0 || (System.nanoTime() - start) / 1_000_000 >= 200L * sent[0] / probes.size()) {
                for (String p : waiting) {
                    producer.send(new Message(topic, probes.get(p).getBytes(StandardCharsets.UTF_8)));
                    sent[0]++;
                }
            }
            return false;
        })) {
            throw new IllegalStateException("Streams job " + job + " did not consume " + probes.keySet() + " in 60 s; its output: " + output);
        }
        return sent[0];
    }

    /**
     * Waits until its output has one of {@code texts} and returns the first of them it has (the job's
     * own lines read {@code "[streams] <job> ..."}; Streams' warnings are in its output too).
     */
    public String awaitOutput(Duration bound, String... texts) throws Exception {
        String[] found = {null};
        if (!Wait.until(bound, "Streams job " + job + " to print one of " + List.of(texts), () -> {
            String out = output();
            for (String text : texts) {
                if (out.contains(text)) {
                    found[0] = text;
                    return true;
                }
            }
            return !process.isAlive();
        }) || found[0] == null) {
            throw new IllegalStateException("Streams job " + job + " printed none of " + List.of(texts) + "; the end of its output ("
                + output + "):\n" + tail());
        }
        return found[0];
    }

    /** Kills it with SIGKILL, as a crash would: no commit, no clean shutdown. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops it cleanly (its standard input closed): Streams commits its state and offsets. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Streams job " + job + " did not stop in 60 s; its output: " + output);
            }
        }
    }

    /** The last lines of its output, without stack frames: what to read when it did not do what was expected. */
    String tail() throws IOException {
        List<String> lines = output().lines().filter(l -> !l.startsWith("\tat ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** The job's id (its consumer group's prefix). */
    public String job() {
        return job;
    }

    /** Its output so far. */
    public String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** streams-apps' classes (a directory in a build, a jar when installed), then the jars its build listed. */
    static String classPath() throws IOException {
        URL listing = StreamsProcess.class.getClassLoader().getResource(LISTING);
        if (listing == null) {
            throw new IllegalStateException(LISTING + " not found: build the streams-apps module (./mvnw install -DskipTests)");
        }
        String url = listing.toString();
        String classes;
        if (url.startsWith("jar:file:")) {
            classes = Path.of(java.net.URI.create(url.substring(4, url.indexOf("!/")))).toString();
        } else {
            classes = Path.of(java.net.URI.create(url.substring(0, url.length() - LISTING.length()))).toString();
        }
        try (var in = listing.openStream()) {
            return classes + java.io.File.pathSeparator + new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
