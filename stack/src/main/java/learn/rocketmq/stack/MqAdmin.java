package learn.rocketmq.stack;

import org.apache.rocketmq.tools.command.MQAdminStartup;

/**
 * {@code ./rocketmq mqadmin ...}: RocketMQ's own admin tool ({@code MQAdminStartup}, what
 * {@code bin/mqadmin} runs), unchanged, minus two waits at its end.
 *
 * <p>Every mqadmin command ends by shutting its admin client down. In the 5.5.0 client that
 * shutdown joins the client's event thread, which wakes only every 3 s to see it should stop, and
 * its network threads then linger 2 s more: a command that took half a second took 4-6 s. Here
 * the event thread is woken (interrupted) once it has been told to stop, and the JVM exits when
 * the command returns, as {@code bin/mqadmin}'s would if it did not wait for idle threads. The
 * command's output and errors are RocketMQ's own.
 */
public final class MqAdmin {

    private MqAdmin() {
    }

    public static void main(String[] args) {
        Thread command = Thread.currentThread();
        Thread watch = new Thread(() -> {
            while (true) {
                if (joiningStoppedServiceThread(command)) {
                    Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("NettyEventExecutor"))
                        .forEach(Thread::interrupt);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mqadmin-end");
        watch.setDaemon(true);
        watch.start();
        MQAdminStartup.main(args);
        System.exit(0);
    }

    /** The command waits in {@code ServiceThread.shutdown}: the thread it joins was told to stop. */
    private static boolean joiningStoppedServiceThread(Thread command) {
        for (StackTraceElement frame : command.getStackTrace()) {
            if (frame.getMethodName().equals("shutdown")
                && frame.getClassName().equals("org.apache.rocketmq.common.ServiceThread")) {
                return true;
            }
        }
        return false;
    }
}
