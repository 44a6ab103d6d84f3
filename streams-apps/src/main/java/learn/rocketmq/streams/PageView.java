package learn.rocketmq.streams;

import java.nio.charset.StandardCharsets;

/**
 * A page view as the analytics project sends it: {@code id,page,user,eventTimeMillis} in UTF-8. A probe
 * (id starting "probe") is never counted: the project sends them until the job consumes, and after
 * each minute of views as a marker.
 */
public record PageView(String id, String page, String user, long eventTime) {

    public boolean probe() {
        return id.startsWith("probe");
    }

    public static PageView parse(byte[] body) {
        String[] f = new String(body, StandardCharsets.UTF_8).split(",");
        return new PageView(f[0], f[1], f[2], Long.parseLong(f[3]));
    }
}
