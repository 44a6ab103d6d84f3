package learn.rocketmq.basics.producer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The 5.x client's send errors. There is no send status: {@code send()} returns a receipt (stored)
 * or throws a {@code ClientException} subclass named after the problem ({@code NotFoundException},
 * {@code BadRequestException}, {@code PayloadTooLargeException}, ...). New here: a typed topic
 * refuses a message of another type.
 * Roadmap: 3.1 Producer Basics: Handle send results and exceptions.
 *
 * <p>Run it: {@code ./lesson SendResultsAndErrorsGrpc}. The classic client: {@link SendResultsAndErrors}.
 */
public class SendResultsAndErrorsGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSendResultsAndErrorsGrpc");
        System.out.printf("Done: stored as %s, and %d failures explained.%n", result.ok().getMessageId(), result.failures().size());
    }

    /** One attempt that was refused: what was tried, the exception, and the one-line hint for it. */
    public record Failure(String attempt, Throwable error, String hint) {
    }

    public record Result(SendReceipt ok, List<Failure> failures) {
    }

    public static Result run(RocketMQ rocketmq, String topic) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = ClientConfiguration.newBuilder()
            .setEndpoints(rocketmq.proxy()).setRequestTimeout(Duration.ofSeconds(3)).build();

        List<Failure> failures = new ArrayList<>();
        SendReceipt ok;
        try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration).setTopics(topic).build()) {
            ok = producer.send(provider.newMessageBuilder().setTopic(topic).setBody("hello".getBytes(StandardCharsets.UTF_8)).build());
            System.out.printf("A good send: receipt %s. Now the ways it fails:%n", ok.getMessageId());

            // 1. The wrong type for a typed topic: a message with a message group is a FIFO
            //    message, and this topic is NORMAL. The proxy refuses it.
            failures.add(attempt("a FIFO message (with a message group) to a NORMAL topic", () -> producer.send(
                provider.newMessageBuilder().setTopic(topic).setMessageGroup("order-1")
                    .setBody("x".getBytes(StandardCharsets.UTF_8)).build())));
            // 2. Larger than the limit (4 MiB by default).
            failures.add(attempt("a 5 MiB message", () -> producer.send(
                provider.newMessageBuilder().setTopic(topic).setBody(new byte[5 * 1024 * 1024]).build())));
            // 3. An illegal topic name: the message builder refuses it.
            failures.add(attempt("an illegal topic name", () -> provider.newMessageBuilder().setTopic("orders/eu west")));
            // 4. An empty body.
            failures.add(attempt("an empty body", () -> producer.send(
                provider.newMessageBuilder().setTopic(topic).setBody(new byte[0]).build())));
        }

        // 5. RocketMQ unreachable: nobody listens at the endpoint; build() fails (it fetches routes).
        ClientConfiguration nowhere = ClientConfiguration.newBuilder()
            .setEndpoints("127.0.0.1:" + freePort()).setRequestTimeout(Duration.ofSeconds(1))
            .setMaxStartupAttempts(1).build();
        failures.add(attempt("RocketMQ unreachable (nobody at the proxy endpoint)",
            () -> provider.newProducerBuilder().setClientConfiguration(nowhere).setTopics(topic).build().close()));
        return new Result(ok, failures);
    }

    interface Send {
        void send() throws Exception;
    }

    private static Failure attempt(String what, Send send) {
        try {
            send.send();
            System.out.printf("%n%s: no error?!%n", what);
            return new Failure(what, null, null);
        } catch (Exception e) {
            String hint = Hints.explain(e);
            System.out.printf("%n%s -> %s%n  %s%n", what, e.getClass().getSimpleName(), hint);
            return new Failure(what, e, hint);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
