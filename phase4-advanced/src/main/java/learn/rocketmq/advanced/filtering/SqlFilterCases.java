package learn.rocketmq.advanced.filtering;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the two SQL92 lessons ({@link Sql92Filtering}, {@link Sql92FilteringGrpc}) send and
 * subscribe with: the same messages and conditions, so the two client APIs can be compared.
 */
final class SqlFilterCases {

    private SqlFilterCases() {
    }

    /** The messages sent: key -> user properties. "m6-no-properties" has none. */
    static final Map<String, Map<String, String>> MESSAGES = new LinkedHashMap<>();

    static {
        MESSAGES.put("m1", Map.of("region", "eu", "amount", "50", "vip", "false"));
        MESSAGES.put("m2", Map.of("region", "us", "amount", "150", "vip", "false", "coupon", "SAVE10"));
        MESSAGES.put("m3", Map.of("region", "eu", "amount", "450", "vip", "false"));
        MESSAGES.put("m4", Map.of("region", "apac", "amount", "300", "vip", "true"));
        MESSAGES.put("m5", Map.of("region", "eu", "amount", "120", "vip", "true"));
        MESSAGES.put("m6-no-properties", Map.of());
    }

    static final List<String> EXPRESSIONS = List.of(
        "amount BETWEEN 100 AND 500",
        "region IN ('eu', 'us')",
        "coupon IS NULL",
        "region = 'eu' AND (amount > 300 OR vip = 'true')",
        "amount > 100",
        "NOT (amount > 100)");

    /**
     * Sent last; between them they match every expression (no single message can match both
     * {@code amount > 100} and {@code NOT (amount > 100)}), so each group knows it has seen all.
     */
    static final Map<String, Map<String, String>> SENTINELS = Map.of(
        "sentinel-a", Map.of("region", "eu", "amount", "400", "vip", "true"),
        "sentinel-b", Map.of("region", "eu", "amount", "50", "vip", "true"));
}
