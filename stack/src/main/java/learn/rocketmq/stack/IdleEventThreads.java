package learn.rocketmq.stack;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * A RocketMQ 5.5.0 wait that is pure waste, removed. Every remoting server and client has an event
 * thread ({@code NettyEventExecutor}) that polls its queue every 3 s and only then sees it was told
 * to stop; shutting one down joins it, so a client's shutdown takes up to 3 s and a broker's clean
 * shutdown, which joins a dozen of them one after another, 15 s. While {@code stopping} waits for
 * such a thread, this wakes (interrupts) that one thread: it finds itself stopped and ends. Used by
 * {@code ./rocketmq mqadmin} and by {@code ./rocketmq up}'s clean stop.
 */
public final class IdleEventThreads {

    private IdleEventThreads() {
    }

    /** Starts the watch; interrupt the returned thread to end it. */
    public static Thread wakeWhileJoining(Thread stopping) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread waker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                // Thread.join waits on the joined thread's monitor: that names the thread.
                ThreadInfo info = threads.getThreadInfo(stopping.getId());
                LockInfo joined = info == null ? null : info.getLockInfo();
                if (joined != null && joined.getClassName().equals(Thread.class.getName())) {
                    Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> System.identityHashCode(t) == joined.getIdentityHashCode())
                        .filter(t -> t.getName().startsWith("NettyEventExecutor"))
                        .forEach(Thread::interrupt);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "idle-event-thread-waker");
        waker.setDaemon(true);
        waker.start();
        return waker;
    }
}
