package learn.rocketmq.projects.logaggregation;

import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service of the log aggregation project, a process of its own: it logs through SLF4J like
 * any Java service, and its Logback configuration ({@code logback-shipping.xml}) ships every
 * event of level INFO and above to the topic {@code LogEvents} through {@link RocketMQAppender}.
 * It logs {@code --lines} events ({@link LogLevels}: every 10th ERROR, every 5th WARN, every 3rd
 * DEBUG, the rest INFO), then stops Logback, which ships whatever is still queued before the process ends.
 * Roadmap: Project (beginner) 3: Log Aggregation: one service shipping its logs through a Logback appender.
 *
 * <p>Run it: {@code ./lesson LoggingService --service orders --lines 20} beside a running
 * {@code ./lesson LogAggregationSystem} or {@code ./rocketmq up}.
 */
public class LoggingService {

    public static void main(String[] args) throws Exception {
        String service = option(args, "--service", "demo");
        int lines = Integer.parseInt(option(args, "--lines", "20"));
        String run = option(args, "--run", String.valueOf(System.currentTimeMillis()));
        RocketMQ rocketmq = RocketMQ.forLesson(args);

        // 1. Before the first logger: which configuration, and the values it refers to.
        System.setProperty("service", service);
        System.setProperty("log.namesrv", rocketmq.nameServer());
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "learn/rocketmq/projects/logaggregation/logback-shipping.xml");
        }
        Logger log = LoggerFactory.getLogger("learn.rocketmq.projects." + service);

        // 2. The service's work, logged as usual.
        for (int i = 1; i <= lines; i++) {
            String text = String.format("%s event %d (run %s)", service, i, run);
            switch (LogLevels.levelOf(i)) {
                case "ERROR" -> log.error(text);
                case "WARN" -> log.warn(text);
                case "DEBUG" -> log.debug(text);
                default -> log.info(text);
            }
        }

        // 3. Stop Logback: the AsyncAppender ships its queue, then the appender's producer shuts down.
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static String option(String[] args, String name, String otherwise) {
        int i = List.of(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : otherwise;
    }
}
