package learn.rocketmq.stack;

import java.nio.file.Path;
import java.util.List;

/** The server JVM's options: a test stack's (quick to start) or {@code ./rocketmq up}'s (long-lived). */
final class ServerJvm {

    private static final String RESOURCES = "learn/rocketmq/stack/";

    private ServerJvm() {
    }

    /**
     * A stack for one lesson or one test JVM: small and quick to start, a learning broker, not a
     * production one. C1 only: the server does little work and starts much faster.
     */
    static List<String> quickStartJvmOptions() {
        return List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    /**
     * The same with the full JIT, for a broker Prometheus scrapes: every scrape of a 5.5.0 broker
     * walks its whole timer wheel ({@code rocketmq_timer_dequeue_lag}: 1,209,600 slots), 230 to
     * 300 ms of CPU with C1 only, 75 to 90 ms with C2.
     */
    static List<String> scrapedJvmOptions() {
        return List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC");
    }

    /**
     * {@code ./rocketmq up}: a server that runs for hours and may be benchmarked, set up as
     * RocketMQ's own start scripts set up a broker (G1 and its tuning from bin/runbroker.sh, full
     * JIT), with a heap for a laptop instead of their -Xms8g (one JVM holds NameServer, broker
     * and proxy).
     */
    static List<String> longLivedJvmOptions() {
        return List.of("-server", "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=16m",
            "-XX:G1ReservePercent=25", "-XX:InitiatingHeapOccupancyPercent=30", "-XX:SoftRefLRUPolicyMSPerMB=0",
            "-XX:-OmitStackTraceInFastThrow");
    }

    static List<String> commonJvmOptions(Path baseDir, Path logs) {
        return List.of(
            // Direct memory: every thread that writes to the store (send, pull/pop, ack, proxy
            // gRPC, schedule, timer, revive, ...) keeps its own encoder buffer of maxMessageSize
            // (4 MiB) + 64 KiB, allocated on first use: 256m ran out after ~60 of them, and
            // writes then failed with "OutOfMemoryError: Cannot reserve 4259840 bytes of direct
            // buffer memory" (5.x retries and large batches stopped). A limit, not a reservation.
            "-XX:MaxDirectMemorySize=1g", "-Xshare:auto",
            // Everything the server writes goes below its base directory, never the learner's home.
            "-Duser.home=" + baseDir.resolve("home"),
            "-Drocketmq.home.dir=" + baseDir,
            "-Dstack.log.dir=" + logs,
            "-Drmq.logback.configurationFile=" + RESOURCES + "server-logback.xml",
            // What RocketMQ's own start scripts open up on JDK 9+ (memory-mapped files, Netty).
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-exports=java.base/sun.security.x509=ALL-UNNAMED");
    }
}
