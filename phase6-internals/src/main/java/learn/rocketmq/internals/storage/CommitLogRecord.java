package learn.rocketmq.internals.storage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * One record of a broker's commit log, read field by field with a plain {@link ByteBuffer}, as
 * RocketMQ 5.5.0 writes it ({@code CommitLog.DefaultAppendMessageCallback}). Every message of every
 * topic goes into the same files, one record after the other, big-endian:
 *
 * <pre>
 *  4  total size (of this record, these 4 bytes included)
 *  4  magic code: V1 (daa320a7), V2 (daa320ab: a 2-byte topic length), or BLANK (cbd43194: the rest of the file is unused)
 *  4  body CRC (CRC32 of the stored body, & 0x7fffffff)
 *  4  queue id          4  flag (the producer's)
 *  8  queue offset (the message's index in its queue)
 *  8  physical offset (where this record starts in the whole commit log)
 *  4  sysFlag: compressed, multi tags, transaction type (bits 2-3), IPv6 hosts, compression type (bits 8-10)
 *  8  born timestamp   8 or 20  born host (IPv4 4 + port 4, IPv6 16 + 4)
 *  8  store timestamp  8 or 20  store host
 *  4  reconsume times  8  prepared transaction offset
 *  4 + n  body         1 + n (V1) or 2 + n (V2)  topic         2 + n  properties (key\u0001value\u0002...)
 * </pre>
 */
public record CommitLogRecord(long physicalOffset, int totalSize, int magicCode, int bodyCrc, int queueId, int flag,
                              long queueOffset, long recordedPhysicalOffset, int sysFlag, long bornTimestamp,
                              InetSocketAddress bornHost, long storeTimestamp, InetSocketAddress storeHost, int reconsumeTimes,
                              long preparedTransactionOffset, byte[] body, String topic, Map<String, String> properties) {

    public static final int MAGIC_V1 = 0xdaa320a7;
    public static final int MAGIC_V2 = 0xdaa320ab;
    public static final int MAGIC_BLANK = 0xcbd43194;

    /**
     * The record at the buffer's position, or null where none starts (a total size of 0: the
     * file's unwritten tail). A BLANK record has only its size and magic code. Moves the position
     * past the record.
     */
    public static CommitLogRecord read(ByteBuffer file, long fileStartOffset) throws UnknownHostException {
        int start = file.position();
        if (file.remaining() < 8) {
            return null;
        }
        int totalSize = file.getInt();
        int magic = file.getInt();
        if (totalSize == 0) {
            return null;
        }
        long physicalOffset = fileStartOffset + start;
        if (magic == MAGIC_BLANK) {
            file.position(start + totalSize);
            return new CommitLogRecord(physicalOffset, totalSize, magic, 0, -1, 0, -1, -1, 0, 0, null, 0, null, 0, 0,
                new byte[0], null, Map.of());
        }
        if (magic != MAGIC_V1 && magic != MAGIC_V2) {
            throw new IllegalStateException("no record at offset " + physicalOffset + ": magic code " + Integer.toHexString(magic));
        }
        int bodyCrc = file.getInt();
        int queueId = file.getInt();
        int flag = file.getInt();
        long queueOffset = file.getLong();
        long recordedPhysicalOffset = file.getLong();
        int sysFlag = file.getInt();
        long bornTimestamp = file.getLong();
        InetSocketAddress bornHost = host(file, (sysFlag & 0x10) != 0);
        long storeTimestamp = file.getLong();
        InetSocketAddress storeHost = host(file, (sysFlag & 0x20) != 0);
        int reconsumeTimes = file.getInt();
        long preparedTransactionOffset = file.getLong();
        byte[] body = new byte[file.getInt()];
        file.get(body);
        byte[] topic = new byte[magic == MAGIC_V2 ? file.getShort() : file.get()];
        file.get(topic);
        byte[] properties = new byte[file.getShort()];
        file.get(properties);
        file.position(start + totalSize);
        return new CommitLogRecord(physicalOffset, totalSize, magic, bodyCrc, queueId, flag, queueOffset, recordedPhysicalOffset,
            sysFlag, bornTimestamp, bornHost, storeTimestamp, storeHost, reconsumeTimes, preparedTransactionOffset, body,
            new String(topic, StandardCharsets.UTF_8), properties(new String(properties, StandardCharsets.UTF_8)));
    }

    public boolean isBlank() {
        return magicCode == MAGIC_BLANK;
    }

    /** The body as stored: compressed when {@link #compressed()}. */
    public boolean compressed() {
        return (sysFlag & 0x1) != 0;
    }

    /** NOT (a plain message), PREPARED (a half message), COMMIT or ROLLBACK. */
    public String transactionType() {
        return switch (sysFlag & 0xc) {
            case 0x4 -> "PREPARED";
            case 0x8 -> "COMMIT";
            case 0xc -> "ROLLBACK";
            default -> "NOT";
        };
    }

    /** Whether the stored CRC is the body's, computed here. */
    public boolean bodyCrcMatches() {
        CRC32 crc = new CRC32();
        crc.update(body);
        return (int) (crc.getValue() & 0x7fffffff) == bodyCrc;
    }

    private static InetSocketAddress host(ByteBuffer file, boolean v6) throws UnknownHostException {
        byte[] address = new byte[v6 ? 16 : 4];
        file.get(address);
        return new InetSocketAddress(InetAddress.getByAddress(address), file.getInt());
    }

    private static Map<String, String> properties(String encoded) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : encoded.split("\u0002")) {
            int separator = pair.indexOf('\u0001');
            if (separator > 0) {
                properties.put(pair.substring(0, separator), pair.substring(separator + 1));
            }
        }
        return properties;
    }
}
