package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Synchronous send with the 5.x client: {@code producer.send()} blocks until the proxy reports the
 * message stored, and returns a {@link SendReceipt} with its message id; a failure after the
 * producer's attempts ({@code setMaxAttempts}, default 3) is a {@code ClientException}.
 * Roadmap: 3.1 Producer Basics: Send synchronous messages.
 *
 * <p>Unlike the classic {@code SendResult} there is no status, queue or offset in the receipt:
 * the proxy hides the queues. Run it: {@code ./lesson SyncProducerGrpc}. The classic way:
 * {@link SyncProducer}.
 */
public class SyncProducerGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSyncProducerGrpc", 8);
        System.out.printf("Done: %d receipts, the broker's queues hold %d.%n", result.receipts().size(), result.stored());
    }

    public record Result(List<SendReceipt> receipts, long stored) {
    }

    public static Result run(RocketMQ rocketmq, String topic, int count) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            ClientServiceProvider provider = ClientServiceProvider.loadService();
            ClientConfiguration configuration = Clients.configuration(rocketmq);

            List<SendReceipt> receipts = new ArrayList<>();
            try (Producer producer = provider.newProducerBuilder().setClientConfiguration(configuration)
                .setTopics(topic).setMaxAttempts(3).build()) {
                for (int i = 1; i <= count; i++) {
                    long t0 = System.nanoTime();
                    // Blocks until stored (or throws after the attempts).
                    SendReceipt receipt = producer.send(provider.newMessageBuilder().setTopic(topic).setTag("TagA")
                        .setKeys("sync-" + i).setBody(("message " + i).getBytes(StandardCharsets.UTF_8)).build());
                    receipts.add(receipt);
                    System.out.printf("sync-%d stored in %.1f ms, id %s%n", i, (System.nanoTime() - t0) / 1e6,
                        receipt.getMessageId());
                }
            }
            // Nothing to wait for: every send() returned after the message was stored.
            long stored = admin.storedMessages(topic);
            System.out.printf("The broker's queues of %s hold %d messages.%n", topic, stored);
            return new Result(receipts, stored);
        }
    }
}
