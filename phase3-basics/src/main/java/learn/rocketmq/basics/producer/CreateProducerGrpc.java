package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * A 5.x producer, created and configured on purpose: the proxy endpoint, the request timeout, how
 * many attempts a send gets, the topics it will send to; built (which starts it), used and closed.
 * Roadmap: 3.1 Producer Basics: Create a Producer instance.
 *
 * <p>Unlike the classic client there is no producer group and no NameServer: the client knows only
 * the proxy, and {@code build()} both creates and starts the producer (it fetches the routes of the
 * declared topics, so a missing topic or an unreachable proxy fails right there, not at the first
 * send). A producer is {@link java.io.Closeable}: try-with-resources closes it.
 * Run it: {@code ./lesson CreateProducerGrpc}. The classic way: {@link CreateProducer}.
 */
public class CreateProducerGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonCreateProducerGrpc");
        System.out.printf("Done: sent %s, then closed; a send after close failed: %s.%n",
            result.sent().getMessageId(), result.afterClose() != null);
    }

    /** The configuration as the client reports it, the send that worked, the send after close. */
    public record Result(ClientConfiguration configuration, SendReceipt sent, Exception afterClose) {
    }

    public static Result run(RocketMQ rocketmq, String topic) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4); // typed: the proxy checks it
        }

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        // 1. Where and how to talk: the proxy's gRPC endpoint (several: "host1:8081;host2:8081"),
        //    TLS or not, and how long one request to the proxy may take (default 3 s).
        //    TLS is the default, and a default proxy accepts TLS and plaintext on its one port
        //    ("permissive", with a self-signed certificate the client does not check). Only a
        //    proxy run with tls.server.mode=disabled needs enableSsl(false).
        ClientConfiguration configuration = ClientConfiguration.newBuilder()
            .setEndpoints(rocketmq.proxy())
            .enableSsl(true)
            .setRequestTimeout(Duration.ofSeconds(5))
            .build();
        System.out.printf("Client configuration: endpoints %s, TLS %s, request timeout %s.%n",
            configuration.getEndpoints(), configuration.isSslEnabled(), configuration.getRequestTimeout());

        // 2. The producer: the topics it sends to (routes fetched at start; optional, but a typo
        //    then fails here), and how many attempts one send gets (default 3: one try, two retries).
        Producer producer = provider.newProducerBuilder()
            .setClientConfiguration(configuration)
            .setTopics(topic)
            .setMaxAttempts(4)
            .build(); // created AND started
        System.out.println("Producer built and started.");

        SendReceipt sent;
        try (producer) { // 3. close() when done: it releases the connections and threads
            Message message = provider.newMessageBuilder()
                .setTopic(topic)
                .setTag("TagA")
                .setBody("hello".getBytes(StandardCharsets.UTF_8))
                .build();
            sent = producer.send(message);
            System.out.println("A send works: message id " + sent.getMessageId());
        }
        System.out.println("Producer closed.");

        // A closed producer cannot send; build a new one instead.
        Exception afterClose = null;
        try {
            producer.send(provider.newMessageBuilder().setTopic(topic).setBody("late".getBytes(StandardCharsets.UTF_8)).build());
        } catch (Exception e) {
            afterClose = e;
            System.out.println("Sending after close fails: " + Hints.explain(e));
        }
        return new Result(configuration, sent, afterClose);
    }
}
