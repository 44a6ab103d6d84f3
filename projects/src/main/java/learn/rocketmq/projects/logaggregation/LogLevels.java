package learn.rocketmq.projects.logaggregation;

import java.util.stream.IntStream;

/** What each service of the project logs: event {@code i}'s level, and how many of {@code n} events are shipped. */
public final class LogLevels {

    private LogLevels() {
    }

    /** Every 10th event ERROR, every 5th WARN, every 3rd DEBUG, the rest INFO. */
    public static String levelOf(int i) {
        return i % 10 == 0 ? "ERROR" : i % 5 == 0 ? "WARN" : i % 3 == 0 ? "DEBUG" : "INFO";
    }

    /** Events 1..n at INFO and above: what the services' Logback configuration ships (40 -> 29). */
    public static int shipped(int n) {
        return (int) IntStream.rangeClosed(1, n).filter(i -> !levelOf(i).equals("DEBUG")).count();
    }
}
