package learn.rocketmq.streams;

import java.nio.charset.StandardCharsets;

/**
 * An order event as the lessons send it: {@code id,customer,amount,eventTimeMillis} in UTF-8
 * (plain text, so a learner reads the messages as they are).
 */
public record Order(String id, String customer, long amount, long eventTime) {

    public static Order parse(byte[] body) {
        String[] f = new String(body, StandardCharsets.UTF_8).split(",");
        return new Order(f[0], f[1], Long.parseLong(f[2]), f.length > 3 ? Long.parseLong(f[3]) : 0);
    }
}
