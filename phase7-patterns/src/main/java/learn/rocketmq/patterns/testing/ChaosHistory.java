package learn.rocketmq.patterns.testing;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The history of a chaos run, as OpenChaos (openmessaging/openchaos) keeps it: one line per event,
 * appended while the run goes on, read by {@link ChaosChecker} afterwards. A send is two events, its
 * invocation and its outcome ({@code OK} with the message id, or {@code FAIL}: not acknowledged, which
 * does not mean not stored); every delivery is a {@code RECEIVE}; the faults are there too, so a lost or
 * reordered message can be put next to what was done to the cluster at that moment.
 *
 * <p>A line: {@code <epoch millis> TAB <op> TAB <key> TAB <seq> TAB <detail>}.
 */
public final class ChaosHistory implements AutoCloseable {

    public enum Op { INVOKE, OK, FAIL, RECEIVE, FAULT, HEAL }

    /** One line of the history. {@code key}/{@code seq} are "-"/0 for faults. */
    public record Event(long millis, Op op, String key, long seq, String detail) {
        static Event parse(String line) {
            String[] f = line.split("\t", 5);
            return new Event(Long.parseLong(f[0]), Op.valueOf(f[1]), f[2], Long.parseLong(f[3]), f.length > 4 ? f[4] : "");
        }
    }

    private final Path file;
    private final BufferedWriter out;

    public ChaosHistory(Path file) throws IOException {
        this.file = file;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    public Path file() {
        return file;
    }

    public void record(Op op, String key, long seq, String detail) {
        String line = System.currentTimeMillis() + "\t" + op + "\t" + key + "\t" + seq + "\t"
            + detail.replace('\t', ' ').replace('\n', ' ');
        synchronized (out) {
            try {
                out.write(line);
                out.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the chaos history " + file, e);
            }
        }
    }

    public void fault(Op op, String what) {
        record(op, "-", 0, what);
    }

    /** The events of a history file, in the order they were written. */
    public static List<Event> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(Event::parse).toList();
    }

    @Override
    public void close() throws IOException {
        synchronized (out) {
            out.close();
        }
    }
}
