package learn.rocketmq.streams;

import java.nio.charset.StandardCharsets;

/**
 * An order event as the lessons send it: {@code id,customer,amount,eventTimeMillis} in UTF-8
 * (plain text, so a learner reads the messages as they are).
 */
public record Order(String id, String customer, long amount, long eventTime) {

    /**
     * A probe record ({@code id} "probe", or "probe-" and more): sent by the lessons until the job says
     * it consumes (see {@link StreamsApp#seen}), or after a record as a marker; never counted.
     */
    public boolean probe() {
        return id.startsWith("probe");
    }

    public static Order parse(byte[] body) {
        String[] f = new String(body, StandardCharsets.UTF_8).split(",");
        return new Order(f[0], f[1], Long.parseLong(f[2]), f.length > 3 ? Long.parseLong(f[3]) : 0);
    }
}
