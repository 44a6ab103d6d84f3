package learn.rocketmq.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The two ways the stack runs a broker.
 *
 * <ul>
 *   <li>{@link #DEFAULTS}: RocketMQ's own defaults (delay levels 1s 5s 10s 30s 1m ..., transaction
 *   check after 6 s then every 30 s, 1 s timer precision). Lessons, {@code ./rocketmq up} and the
 *   Compose stack run this way, so what a lesson prints is what a real installation does.</li>
 *   <li>{@link #FAST_TESTS}: timing is shortened, so tests watch in seconds what takes minutes, and topics are never created by a send (a lesson that forgets its topic fails its test):
 *   the broker and proxy keys of {@code config/fast-tests.conf}, plus the client side below.
 *   Tests read the values they assert against from here, never from literals.</li>
 * </ul>
 */
public enum StackProfile {
    DEFAULTS,
    FAST_TESTS;

    /**
     * Client half of the fast-test profile: how often a classic client asks the NameServer for
     * routes and heartbeats the broker (defaults 30 s each). {@code Clients.configure} (module
     * {@code clients}) applies it to every lesson's classic clients, so no lesson writes it. The rebalance wait ({@code rocketmq.client.rebalance.waitInterval},
     * default 20 s) is JVM-wide and read once, so the root pom sets it for test JVMs.
     */
    public int clientRouteRefreshMillis() {
        return this == FAST_TESTS ? 1000 : 30_000;
    }

    /**
     * How often a classic consumer commits its offsets to the broker ({@code persistConsumerOffsetInterval}):
     * 1 s on the test stack instead of 5 s, so a test that waits for a group's committed progress
     * (lag 0, consumer progress) does not wait for the next commit. {@code Clients.configure} applies it.
     */
    public int consumerOffsetCommitMillis() {
        return this == FAST_TESTS ? 1000 : 5000;
    }

    /**
     * The server half: broker keys, and "proxy."-prefixed proxy keys, of {@code config/fast-tests.conf}
     * for FAST_TESTS; none for DEFAULTS. The embedded servers and the container stack apply them.
     */
    public Properties serverSettings() {
        Properties settings = new Properties();
        if (this == FAST_TESTS) {
            try (InputStream in = StackProfile.class.getResourceAsStream("/learn/rocketmq/stack/config/fast-tests.conf")) {
                settings.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read config/fast-tests.conf from the stack's jar", e);
            }
        }
        return settings;
    }

    /** The delay of delay level {@code level} (1-based) on a broker of this profile, in ms. */
    public long delayLevelMillis(int level) {
        if (this == FAST_TESTS) {
            return level * 1000L; // config/fast-tests.conf: level n = n s
        }
        long[] defaults = {1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000,
            420_000, 480_000, 540_000, 600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000};
        return defaults[level - 1];
    }
}
