package learn.rocketmq.stack;

/**
 * Where a RocketMQ answers: what a lesson needs to connect, and nothing else.
 *
 * @param nameServer  the NameServer address for the classic client ({@code DefaultMQProducer#setNamesrvAddr}),
 *                    e.g. {@code 127.0.0.1:9876}
 * @param proxy       the 5.x Proxy's gRPC endpoint for {@code rocketmq-client-java}
 *                    ({@code ClientConfiguration#setEndpoints}), e.g. {@code 127.0.0.1:8081}.
 *                    Not the NameServer: the 5.x client only talks to the proxy.
 * @param description which RocketMQ this is, in words (printed by lessons)
 * @param profile     the timing the broker runs with: {@link StackProfile#FAST_TESTS} only for an
 *                    embedded stack started by tests; anything else is assumed to run the defaults
 */
public record RocketMQ(String nameServer, String proxy, String description, StackProfile profile) {

    /** The standard local ports: ./rocketmq up, docker compose up, a local installation. */
    public static final String STANDARD_NAMESRV = "127.0.0.1:9876";
    public static final String STANDARD_PROXY = "127.0.0.1:8081";

    /**
     * The proxy endpoint, for a lesson with the 5.x client; fails with what to do when this RocketMQ
     * has no proxy (a classic-only installation: NameServer and broker without {@code --enable-proxy}).
     */
    public String requireProxy() {
        if (proxy == null) {
            throw new RocketMQUnavailableException("this needs the 5.x proxy (gRPC, port 8081) and none answers:"
                + " start the broker with the proxy (mqbroker --enable-proxy, ./rocketmq up, docker compose up -d)"
                + " or give its address with --proxy host:port");
        }
        return proxy;
    }

    /** The addresses a lesson uses: given, found on the standard ports, or an embedded stack. */
    public static RocketMQ forLesson(String[] args) {
        return Stack.forLesson(args);
    }
}
