package learn.rocketmq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * One command, run as {@code ./rocketmq mqadmin} runs it (a JVM of its own, its logs under
     * {@code $TMPDIR/learn-rocketmq}): what it printed. For a lesson that shows the console.
     */
    public static String run(String... args) {
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "learn-rocketmq");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-Duser.home=" + home, "-Drocketmq.client.logRoot=" + home.resolve("client"),
            "-cp", System.getProperty("java.class.path"), MqAdmin.class.getName()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(home);
            Path output = Files.createTempFile(home, "mqadmin-", ".out");
            try {
                Process mqadmin = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!mqadmin.waitFor(60, TimeUnit.SECONDS)) {
                    mqadmin.destroyForcibly();
                    return Files.readString(output) + "\n(mqadmin did not finish within 60 s)";
                }
                return Files.readString(output);
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run mqadmin: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        IdleEventThreads.wakeWhileJoining(Thread.currentThread());
        MQAdminStartup.main(args);
        System.exit(0);
    }
}
