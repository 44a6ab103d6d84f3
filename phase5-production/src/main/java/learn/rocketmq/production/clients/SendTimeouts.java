package learn.rocketmq.production.clients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Send timeouts against a broker that hangs (SIGSTOP: its connections stay open, it answers
 * nothing), so the timeout really fires.
 * Roadmap: 5.3 Producer/Consumer Configuration: Timeout configurations.
 *
 * <p>Classic client: {@code sendMsgTimeout} (default 3 s) is the budget of the whole
 * {@code send()}, its retries included ({@code retryTimesWhenSendFailed}, default 2): a retry
 * only gets what is left, so a hung broker costs one timeout, not three. 5.x client:
 * {@code requestTimeout} (default 3 s) bounds each request to the proxy, and the producer tries
 * {@code maxAttempts} times (default 3), so a send may take several timeouts. Pick them from what
 * the caller can wait: a web request thread waiting 3 x 3 s is usually too long. Run it:
 * {@code ./lesson SendTimeouts} (it starts a NameServer, a broker and a proxy, each a process of
 * its own, and pauses the broker).
 */
public class SendTimeouts {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args,
            RocketMQCluster.topology().brokerGroup("broker-a").proxy())) {
            Result r = run(cluster, "LessonSendTimeouts", Duration.ofMillis(1500), 2, Duration.ofMillis(1500), 2);
            System.out.printf("Done: the classic send gave up after %d ms, the 5.x send after %d ms; after the resume"
                + " both sent again: %b.%n", r.classicFailedAfterMillis(), r.grpcFailedAfterMillis(), r.sentAfterResume());
        }
    }

    /** How long each failed send took, what it threw, and whether both sent again once the broker was back. */
    public record Result(long classicFailedAfterMillis, String classicError, long grpcFailedAfterMillis, String grpcError,
                         boolean sentAfterResume) {
    }

    public static Result run(RocketMQCluster cluster, String topic, Duration sendMsgTimeout, int retries, Duration requestTimeout,
                             int maxAttempts) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master("broker-a"); // the one to pause (a cluster this lesson started)
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // On this broker only: a producer with a second broker for the topic would just send there.
            admin.createTopicOn(List.of(broker.address()), topic, TopicMessageType.NORMAL, 4);
        }
        DefaultMQProducer classic = new DefaultMQProducer(UniqueNames.of("send-timeouts-producer"));
        Clients.configure(classic, rocketmq);
        classic.setSendMsgTimeout((int) sendMsgTimeout.toMillis());
        classic.setRetryTimesWhenSendFailed(retries);
        classic.start();
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = ClientConfiguration.newBuilder().setEndpoints(rocketmq.requireProxy())
            .setRequestTimeout(requestTimeout).build();
        try (AutoCloseable closeClassic = classic::shutdown;
             Producer grpc = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic)
                 .setMaxAttempts(maxAttempts).build()) {
            // 1. Both send while the broker answers (and so know the topic's route).
            classic.send(message(topic, "before"));
            grpc.send(provider.newMessageBuilder().setTopic(topic).setBody(bytes("before")).build());
            System.out.println("1. Both producers sent: the broker answers");

            // 2. The broker hangs.
            broker.pause();
            System.out.printf("2. Paused the broker (SIGSTOP, pid %d)%n", broker.pid());

            // 3. Classic: one budget for the send and its retries.
            long t0 = System.nanoTime();
            String classicError = null;
            try {
                classic.send(message(topic, "while-paused"));
            } catch (Exception e) {
                classicError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            long classicMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("3. Classic send (sendMsgTimeout %d ms, %d retries): failed after %d ms with %s%n",
                sendMsgTimeout.toMillis(), retries, classicMillis, classicError);

            // 4. 5.x: each attempt has its own requestTimeout.
            t0 = System.nanoTime();
            String grpcError = null;
            try {
                grpc.send(provider.newMessageBuilder().setTopic(topic).setBody(bytes("while-paused")).build());
            } catch (Exception e) {
                grpcError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            long grpcMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("4. 5.x send (requestTimeout %d ms, maxAttempts %d): failed after %d ms with %s%n",
                requestTimeout.toMillis(), maxAttempts, grpcMillis, grpcError);

            // 5. Resumed, it answers again (and first works through what queued up while it hung).
            broker.resume();
            boolean sentAgain = classic.send(message(topic, "after")).getSendStatus() != null
                && grpc.send(provider.newMessageBuilder().setTopic(topic).setBody(bytes("after")).build()).getMessageId() != null;
            System.out.println("5. Resumed the broker (SIGCONT): both producers send again");
            return new Result(classicMillis, classicError, grpcMillis, grpcError, sentAgain);
        }
    }

    private static Message message(String topic, String body) {
        return new Message(topic, bytes(body));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
