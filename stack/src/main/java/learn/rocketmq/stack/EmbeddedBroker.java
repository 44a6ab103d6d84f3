package learn.rocketmq.stack;

import java.nio.file.Path;

/**
 * A broker in a process of its own that joined an {@link EmbeddedRocketMQ}'s NameServer: see
 * {@link EmbeddedRocketMQ#startBroker}. Lessons about clusters start these (a second master, a
 * slave) and kill them on purpose.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final String brokerName;
    private final String address;
    private final Process process;
    private final Path baseDir;
    private final Path logDir;
    private final long stopWaitSeconds;

    EmbeddedBroker(String brokerName, String address, Process process, Path baseDir, Path logDir, long stopWaitSeconds) {
        this.brokerName = brokerName;
        this.address = address;
        this.process = process;
        this.baseDir = baseDir;
        this.logDir = logDir;
        this.stopWaitSeconds = stopWaitSeconds;
    }

    public String brokerName() {
        return brokerName;
    }

    /** host:port, as registered with the NameServer. */
    public String address() {
        return address;
    }

    /** The broker's process: its pid; {@code destroyForcibly()} is a crash. */
    public ProcessHandle serverProcess() {
        return process.toHandle();
    }

    /** Its store ({@code store/}). */
    public Path baseDir() {
        return baseDir;
    }

    /** Its logs ({@code rocketmq.log}): see {@link EmbeddedRocketMQ#logDir()}. */
    public Path logDir() {
        return logDir;
    }

    /** Ends the broker process at once and deletes its files. */
    @Override
    public void close() {
        ServerProcess.stop(process, baseDir, stopWaitSeconds);
    }
}
