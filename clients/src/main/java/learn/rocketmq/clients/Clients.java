package learn.rocketmq.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.ClientConfig;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;

/**
 * The client set-up that is not the point of a lesson, in one place. The lessons that teach it
 * ({@code CreateProducer}, {@code CreateConsumer}, their 5.x twins, {@code SendResultsAndErrorsGrpc})
 * spell every setting out instead.
 */
public final class Clients {

    private Clients() {
    }

    /**
     * The 5.x client's configuration for this RocketMQ's proxy: its gRPC endpoint, TLS on (the
     * client's default, and a default proxy accepts it), and 5 s per request (default 3 s; a
     * proxy on a busy two-core machine can take longer for a first route lookup).
     */
    public static ClientConfiguration configuration(RocketMQ rocketmq) {
        return ClientConfiguration.newBuilder()
            .setEndpoints(rocketmq.requireProxy())
            .setRequestTimeout(Duration.ofSeconds(5))
            .build();
    }

    /**
     * Points a classic client (producer, consumer) at this RocketMQ's NameServer, with what every
     * lesson's client wants besides:
     * <ul>
     *   <li>a push consumer sends its subscription with each pull ({@code setPostSubscriptionWhenPull}):
     *   in 5.5.0 a new consumer otherwise may stall up to 30 s when its first rebalance meets the
     *   periodic heartbeat (docs/rocketmq-5.5-behaviour.md);</li>
     *   <li>on the test stack ({@link learn.rocketmq.stack.StackProfile#FAST_TESTS}) routes are
     *   refreshed and the broker heartbeated every second instead of every 30 s, and a consumer
     *   commits its offsets every second instead of every 5 s, so a test does not wait for what a
     *   client does in the background. Against any other RocketMQ the defaults stay.</li>
     * </ul>
     *
     * @return the client, for chaining
     */
    public static <C extends ClientConfig> C configure(C client, RocketMQ rocketmq) {
        client.setNamesrvAddr(rocketmq.nameServer());
        client.setPollNameServerInterval(rocketmq.profile().clientRouteRefreshMillis());
        client.setHeartbeatBrokerInterval(rocketmq.profile().clientRouteRefreshMillis());
        client.setPersistConsumerOffsetInterval(rocketmq.profile().consumerOffsetCommitMillis());
        if (client instanceof DefaultMQPushConsumer consumer) {
            consumer.setPostSubscriptionWhenPull(true);
        }
        return client;
    }

    /**
     * Closes 5.x clients side by side, a thread each, and waits (up to 30 s) for all: closing a 5.x
     * push consumer waits for its pending long-poll (up to 20 s by default), so one after the other
     * would add those waits up.
     */
    public static void closeAll(List<? extends AutoCloseable> clients) throws InterruptedException {
        List<Thread> closing = new ArrayList<>();
        for (AutoCloseable client : clients) {
            Thread t = new Thread(() -> {
                try {
                    client.close();
                } catch (Exception e) {
                    System.out.println("closing a client: " + e);
                }
            }, "close-" + closing.size());
            t.start();
            closing.add(t);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Thread t : closing) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }
}
