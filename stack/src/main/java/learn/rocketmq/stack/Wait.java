package learn.rocketmq.stack;

import java.time.Duration;

/**
 * Bounded waiting for lessons (tests use Awaitility): a lesson that waits for messages to arrive
 * or for a check-back to happen never waits forever, and says so when it gives up.
 */
public final class Wait {

    private Wait() {
    }

    /** What a lesson waits for: true once it holds. It may do work (a receive) and throw. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Checks {@code condition} every 20 ms until it holds (true) or {@code bound} has passed: then
     * prints that it stopped waiting for {@code what} and returns false, so the lesson goes on and
     * shows what did happen. An exception of the condition ends the wait and is thrown.
     */
    public static boolean until(Duration bound, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                System.out.printf("Still waiting for %s after %d s: going on.%n", what, bound.toSeconds());
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
