package learn.rocketmq.internals.performance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RocketMQ's own benchmark producer ({@code org.apache.rocketmq.example.benchmark.Producer} from
 * {@code rocketmq-example} 5.5.0, what {@code benchmark/producer.sh} runs), started unchanged in a
 * JVM of its own, as a learner would run it. It sends from {@code -w} threads, synchronously, and
 * every {@code -ri} ms prints the TPS of its last 10 seconds, once it has run 10 seconds.
 */
public final class OfficialBenchmark {

    private static final Pattern TPS = Pattern.compile("Send TPS: (\\d+) \\| Max RT\\(ms\\): (\\d+) \\| Average RT\\(ms\\): +([\\d.]+)"
        + " \\| Send Failed: (\\d+)");

    private OfficialBenchmark() {
    }

    /** One report line of the tool: its TPS over the last 10 s, its max and average send time, its failed sends so far. */
    public record Report(long tps, long maxMillis, double averageMillis, long failed, String line) {
    }

    /**
     * Runs the tool against {@code nameServer} until it has printed {@code reports} reports (one a
     * second, from 10 s in), then ends it. Returns them in order; the tool's output is in {@code log}.
     */
    public static List<Report> run(String nameServer, String topic, int messageSize, int threads, int reports, Path work)
        throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path log = work.resolve("official-benchmark-producer.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Duser.home=" + work, "-Drocketmq.client.logRoot=" + work.resolve("client-logs"),
            "-cp", System.getProperty("java.class.path"), "org.apache.rocketmq.example.benchmark.Producer",
            "-n", nameServer, "-t", topic, "-s", Integer.toString(messageSize), "-w", Integer.toString(threads), "-ri", "1000");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // A tool that stops printing must not hang the lesson: ended at the deadline, its output then ends too.
        java.util.concurrent.CompletableFuture.delayedExecutor(60 + reports, TimeUnit.SECONDS).execute(process::destroyForcibly);
        List<Report> found = new ArrayList<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; found.size() < reports && (line = out.readLine()) != null; ) {
                output.add(line);
                Matcher m = TPS.matcher(line);
                if (m.find()) {
                    found.add(new Report(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)),
                        Long.parseLong(m.group(4)), line));
                }
            }
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.write(log, output);
        }
        if (found.size() < reports) {
            throw new IllegalStateException("RocketMQ's benchmark producer printed " + found.size() + " of " + reports
                + " reports; its output is in " + log);
        }
        return found;
    }
}
