package learn.rocketmq.internals.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The broker's {@code store/checkpoint} file, as RocketMQ 5.5.0 writes it ({@code StoreCheckpoint}):
 * six big-endian longs at the start of a 4 KB file, updated as the store flushes. On a start after
 * a crash, recovery uses the timestamps to pick the commit log file to re-check from.
 *
 * <pre>
 *  8  physicMsgTimestamp    store time of the last message flushed to the commit log
 *  8  logicsMsgTimestamp    store time of the last message flushed to a consume queue
 *  8  indexMsgTimestamp     store time of the last message in a flushed index file
 *  8  masterFlushedOffset   (a slave) how far its master had flushed
 *  8  confirmPhyOffset      (controller mode) the offset confirmed by the in-sync replicas
 *  8  logicsPhysicalOffset  commit log offset up to which the consume queues are flushed
 * </pre>
 */
public record CheckpointFile(long physicMsgTimestamp, long logicsMsgTimestamp, long indexMsgTimestamp, long masterFlushedOffset,
                             long confirmPhyOffset, long logicsPhysicalOffset) {

    public static CheckpointFile read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        return new CheckpointFile(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40));
    }
}
