package learn.rocketmq.stack;

import org.apache.rocketmq.tools.command.MQAdminStartup;

/**
 * {@code ./rocketmq mqadmin ...}: RocketMQ's own admin tool ({@code MQAdminStartup}, what
 * {@code bin/mqadmin} runs), unchanged, minus two waits at its end.
 *
 * <p>Every mqadmin command ends by shutting its admin client down. In the 5.5.0 client that
 * shutdown joins the client's event thread, which wakes only every 3 s to see it should stop, and
 * its network threads then linger 2 s more: a command that took half a second took 4-6 s. Here
 * the event thread is woken once it has been told to stop ({@link IdleEventThreads}), and the JVM
 * exits when the command returns, as {@code bin/mqadmin}'s would if it did not wait for idle threads. The
 * command's output and errors are RocketMQ's own.
 */
public final class MqAdmin {

    private MqAdmin() {
    }

    public static void main(String[] args) {
        IdleEventThreads.wakeWhileJoining(Thread.currentThread());
        MQAdminStartup.main(args);
        System.exit(0);
    }
}
