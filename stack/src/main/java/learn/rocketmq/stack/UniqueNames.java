package learn.rocketmq.stack;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Topic and group names no other test (or earlier run against a long-lived broker) uses, so tests
 * sharing one broker never see each other's messages: {@code UniqueNames.of("OrderEvents")} gives
 * e.g. {@code OrderEvents-k3x9a-1}. Only letters, digits and '-' (legal for topics and groups).
 */
public final class UniqueNames {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 60_466_176L, 36);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private UniqueNames() {
    }

    public static String of(String prefix) {
        return prefix + "-" + RUN + "-" + COUNTER.incrementAndGet();
    }
}
