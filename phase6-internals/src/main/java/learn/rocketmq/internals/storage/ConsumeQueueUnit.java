package learn.rocketmq.internals.storage;

import java.nio.ByteBuffer;

/**
 * One unit of a consume queue ({@code store/consumequeue/<topic>/<queueId>/}), as RocketMQ 5.5.0
 * writes it ({@code ConsumeQueue.putMessagePositionInfo}): 20 bytes, big-endian, one per message of
 * the queue, in queue offset order:
 *
 * <pre>
 *  8  commit log offset (where the message's record starts)
 *  4  size (of that record)
 *  8  tags code: the hash code of the message's tag (String.hashCode; 0 without a tag);
 *     for a delayed message in SCHEDULE_TOPIC_XXXX, its delivery time
 * </pre>
 *
 * A unit's queue offset is not stored: it is the unit's position (file start offset + position) / 20.
 */
public record ConsumeQueueUnit(long queueOffset, long commitLogOffset, int size, long tagsCode) {

    public static final int SIZE = 20;

    /** The unit at the buffer's position, or null where the file's unwritten tail starts (all zero). */
    public static ConsumeQueueUnit read(ByteBuffer file, long fileStartOffset) {
        if (file.remaining() < SIZE) {
            return null;
        }
        long queueOffset = (fileStartOffset + file.position()) / SIZE;
        long commitLogOffset = file.getLong();
        int size = file.getInt();
        long tagsCode = file.getLong();
        if (size == 0) {
            return null;
        }
        return new ConsumeQueueUnit(queueOffset, commitLogOffset, size, tagsCode);
    }
}
