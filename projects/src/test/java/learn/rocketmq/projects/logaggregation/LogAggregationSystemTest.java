package learn.rocketmq.projects.logaggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project end to end: {@link LogAggregationSystem} runs {@link LoggingService} as four real
 * processes (payments twice) that ship through the Logback appender.
 */
@ExtendWith(RocketMQExtension.class)
class LogAggregationSystemTest {

    static final int LINES = 40;

    @Test
    void everyShippedLineIsWrittenOnceAndTheRestartedServiceLosesNothing(RocketMQ rocketmq, @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.NEVER) Path dir) throws Exception {
        String run = UniqueNames.of("run");
        int perRun = LogLevels.shipped(LINES);
        try (LogAggregator aggregator = LogAggregationSystem.run(rocketmq, UniqueNames.of("log-aggregator"), dir, LINES, run, 4L * perRun)) {
            // Per service and level: exactly what each run logged at INFO and above; no DEBUG.
            Map<String, Long> oneRun = Map.of("INFO", count(LINES, "INFO"), "WARN", count(LINES, "WARN"), "ERROR", count(LINES, "ERROR"));
            Map<String, Long> twoRuns = Map.of("INFO", 2 * count(LINES, "INFO"), "WARN", 2 * count(LINES, "WARN"), "ERROR", 2 * count(LINES, "ERROR"));
            assertThat(aggregator.counts()).isEqualTo(Map.of("orders", oneRun, "payments", twoRuns, "shipping", oneRun));

            // Each event's line is in its service's file of its level, once, the last ones of each run included.
            List<String> all = lines(dir);
            assertThat(all).hasSize(4 * perRun);
            for (String service : LogAggregationSystem.SERVICES) {
                List<String> runs = service.equals("payments") ? List.of(run, run + "-restarted") : List.of(run);
                for (String r : runs) {
                    for (int i = 1; i <= LINES; i++) {
                        String text = String.format("%s event %d (run %s)", service, i, r);
                        String level = LogLevels.levelOf(i);
                        List<String> found = aggregator.search(service, level.equals("DEBUG") ? null : level, text);
                        assertThat(found).as(text).hasSize(level.equals("DEBUG") ? 0 : 1);
                        if (!level.equals("DEBUG")) {
                            assertThat(found.get(0)).as("the shipped line: the layout's pattern").contains(" " + level + " ", service, "] ");
                        }
                    }
                }
            }
            assertThat(aggregator.search(null, "ERROR", "payments event")).hasSize(2 * (int) count(LINES, "ERROR"));
        }
    }

    private static long count(int n, String level) {
        return IntStream.rangeClosed(1, n).filter(i -> LogLevels.levelOf(i).equals(level)).count();
    }

    private static List<String> lines(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        return lines;
    }
}
