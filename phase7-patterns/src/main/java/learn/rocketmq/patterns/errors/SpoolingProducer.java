package learn.rocketmq.patterns.errors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * A producer that degrades instead of failing: when a send fails (the broker unreachable), the
 * message goes to a spool file on local disk, forced to the disk before {@code send} returns, and
 * every later message follows it there until the spool is drained, so the order of each key is the
 * order it was sent in. {@link #drain()} sends the spool, oldest first, once the broker is back. Each
 * key's messages go to one queue (chosen by the key's hash), where order is kept.
 */
public final class SpoolingProducer {

    private final DefaultMQProducer producer;
    private final String topic;
    private final Path spool;
    private int spooled;

    public SpoolingProducer(DefaultMQProducer producer, String topic, Path spool) {
        this.producer = producer;
        this.topic = topic;
        this.spool = spool;
    }

    /** Sends, or spools; returns true if it went to the broker now. */
    public synchronized boolean send(String key, String body) throws IOException {
        if (pending() == 0) {
            try {
                if (sendNow(key, body)) {
                    return true;
                }
            } catch (Exception unreachable) {
                // fall through to the spool: RocketMQ cannot take it now
            }
        }
        append(key + "\t" + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\n");
        spooled++;
        return false;
    }

    /** Sends the spooled messages in order; stops at the first that fails (the rest stay). Returns how many are left. */
    public synchronized int drain() throws IOException {
        List<String> lines = new ArrayList<>(pendingLines());
        int sent = 0;
        for (String line : lines) {
            String[] f = line.split("\t");
            boolean ok;
            try {
                ok = sendNow(f[0], new String(Base64.getDecoder().decode(f[1]), StandardCharsets.UTF_8));
            } catch (Exception stillDown) {
                ok = false;
            }
            if (!ok) {
                break;
            }
            sent++;
        }
        List<String> left = lines.subList(sent, lines.size());
        Files.write(spool, left.isEmpty() ? List.of() : left, StandardCharsets.UTF_8);
        return left.size();
    }

    /** Messages waiting in the spool. */
    public synchronized int pending() throws IOException {
        return pendingLines().size();
    }

    /** Messages that went to the spool since this producer started. */
    public synchronized int spooled() {
        return spooled;
    }

    private boolean sendNow(String key, String body) throws Exception {
        Message m = new Message(topic, body.getBytes(StandardCharsets.UTF_8));
        m.setKeys(key);
        return producer.send(m, (queues, msg, k) -> queues.get(Math.floorMod(k.hashCode(), queues.size())), key).getSendStatus()
            == SendStatus.SEND_OK;
    }

    private List<String> pendingLines() throws IOException {
        return Files.exists(spool) ? Files.readAllLines(spool, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    private void append(String line) throws IOException {
        try (FileChannel out = FileChannel.open(spool, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            out.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            out.force(true); // on the disk before send() returns: a crash of this process keeps it
        }
    }
}
