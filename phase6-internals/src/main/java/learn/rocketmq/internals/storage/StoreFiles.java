package learn.rocketmq.internals.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import learn.rocketmq.stack.RocketMQCluster;

/**
 * What the storage lessons share: the broker they read (one NameServer, one broker, small commit
 * log files so that they roll over), and reading a log that RocketMQ splits into files named by
 * the offset they start at (the commit log, a consume queue).
 */
public final class StoreFiles {

    /** 256 KB commit log files (default 1 GB; this project's broker.conf: 16 MB). */
    public static final int COMMIT_LOG_FILE_SIZE = 256 * 1024;
    public static final String BROKER = "broker-a";

    private StoreFiles() {
    }

    /** A NameServer and one broker, with 256 KB commit log files. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup(BROKER).set("mappedFileSizeCommitLog", Integer.toString(COMMIT_LOG_FILE_SIZE));
    }

    /** The files of a store directory in offset order (their names are 20-digit offsets, so name order is offset order). */
    public static List<Path> files(Path dir) {
        try (Stream<Path> listed = Files.list(dir)) {
            return listed.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * {@code size} bytes at {@code offset} of the log stored in {@code dir}: in the file with the
     * greatest start offset not above it (a record or unit never spans two files).
     */
    public static ByteBuffer read(Path dir, long offset, int size) {
        Path file = null;
        for (Path f : files(dir)) {
            if (Long.parseLong(f.getFileName().toString()) <= offset) {
                file = f;
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("no file of " + dir + " holds offset " + offset);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(size);
            channel.read(bytes, offset - Long.parseLong(file.getFileName().toString()));
            return bytes.flip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The commit log record at {@code offset}: its first 4 bytes are its total size. */
    public static CommitLogRecord recordAt(Path commitLogDir, long offset) {
        int size = read(commitLogDir, offset, 4).getInt();
        try {
            return CommitLogRecord.read(read(commitLogDir, offset, size), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
