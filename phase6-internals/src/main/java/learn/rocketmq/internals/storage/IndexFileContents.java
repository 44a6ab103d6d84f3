package learn.rocketmq.internals.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One index file ({@code store/index/<creation time>}), as RocketMQ 5.5.0 writes it
 * ({@code IndexFile}, {@code IndexHeader}): a hash table on disk, from message keys to commit log
 * offsets. Big-endian:
 *
 * <pre>
 *  40 bytes  header: begin timestamp 8, end timestamp 8, begin physical offset 8, end physical
 *            offset 8, used hash slot count 4, index count 4 (entries written + 1: entry 0 is never used)
 *  4 x slots hash slots (maxHashSlotNum): each holds the number of the newest entry whose key
 *            hashes there, 0 for none
 *  20 x max  entries (maxIndexNum), in the order they were written: key hash 4, physical offset 8,
 *            seconds since the begin timestamp 4, the number of the previous entry of the same slot 4
 * </pre>
 *
 * A key is {@code topic#key}: each of a message's keys (KEYS, split by spaces), its unique id
 * ({@code topic#UNIQ_KEY}), and in 5.5.0 its tag ({@code topic#T#tag}). Its hash is
 * {@code Math.abs(key.hashCode())}, its slot that hash modulo the slot count. Different keys can
 * share a slot and even a hash, so a lookup walks the slot's chain, keeps the entries of its hash,
 * and the caller then checks the messages' real keys.
 */
public record IndexFileContents(String name, long beginTimestamp, long endTimestamp, long beginPhysicalOffset,
                                long endPhysicalOffset, int usedSlots, int indexCount, int slotCount, ByteBuffer file) {

    public static final int HEADER_SIZE = 40;
    public static final int SLOT_SIZE = 4;
    public static final int ENTRY_SIZE = 20;

    /** An entry: the key's hash, where the message is, when (seconds after the file's begin timestamp), the chain's next. */
    public record Entry(int number, int keyHash, long physicalOffset, int secondsAfterBegin, int previous) {
    }

    /** Reads the header; {@code slotCount} is the broker's maxHashSlotNum (the file does not record it). */
    public static IndexFileContents read(String name, ByteBuffer file, int slotCount) {
        return new IndexFileContents(name, file.getLong(0), file.getLong(8), file.getLong(16), file.getLong(24), file.getInt(32),
            file.getInt(36), slotCount, file);
    }

    /** The hash the index uses for a key. */
    public static int keyHash(String key) {
        return Math.max(Math.abs(key.hashCode()), 0); // abs(Integer.MIN_VALUE) is negative: 0
    }

    public int slotOf(String key) {
        return keyHash(key) % slotCount;
    }

    /** The newest entry number of a slot (0: empty). */
    public int slot(int slot) {
        return file.getInt(HEADER_SIZE + slot * SLOT_SIZE);
    }

    public Entry entry(int number) {
        int at = HEADER_SIZE + slotCount * SLOT_SIZE + number * ENTRY_SIZE;
        return new Entry(number, file.getInt(at), file.getLong(at + 4), file.getInt(at + 12), file.getInt(at + 16));
    }

    /** The slot's whole chain, newest first: every entry that hashed to the key's slot. */
    public List<Entry> chain(String key) {
        List<Entry> chain = new ArrayList<>();
        for (int n = slot(slotOf(key)); n > 0 && n < indexCount; n = entry(n).previous()) {
            chain.add(entry(n));
        }
        return chain;
    }

    /** The entries of the key's hash, newest first (a candidate list: another key may have the same hash). */
    public List<Entry> find(String key) {
        return chain(key).stream().filter(e -> e.keyHash() == keyHash(key)).toList();
    }
}
