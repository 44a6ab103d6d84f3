package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * A classic producer, created and configured on purpose: its group, where the NameServer is, how
 * long a send may take, how often a failed send is retried, the largest message it accepts; then
 * started, used and shut down properly.
 * Roadmap: 3.1 Producer Basics: Create a Producer instance.
 *
 * <p>A {@link DefaultMQProducer} does nothing until {@code start()}: that connects it to the
 * NameServer (routes) and starts its background threads (heartbeats, route refresh). Every started
 * producer must be {@code shutdown()}, or its threads keep the JVM alive and the broker keeps it in
 * its producer table until the heartbeat times out. Run it: {@code ./lesson CreateProducer}. The
 * same with the 5.x client: {@link CreateProducerGrpc}.
 */
public class CreateProducer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonCreateProducer", "lesson-create-producer");
        System.out.printf("Done: state after start %s, after shutdown %s.%n", result.stateAfterStart(), result.stateAfterShutdown());
    }

    /** The settings as the producer reports them, its life cycle, and what the settings did. */
    public record Result(String group, String nameServer, int sendTimeoutMillis, int retriesWhenSendFailed,
                         int retriesWhenSendAsyncFailed, int maxMessageSize, ServiceState stateAfterStart,
                         SendResult sent, MQClientException tooLarge, ServiceState stateAfterShutdown,
                         MQClientException afterShutdown) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }

        // 1. The producer group: a name for producers that send the same kind of messages. It
        //    matters for transactions (the broker asks any producer of the group about an open
        //    one); otherwise it identifies the producer in the broker's tables and the dashboard.
        DefaultMQProducer producer = new DefaultMQProducer(group);
        // 2. Where the NameServer is (several: "host1:9876;host2:9876"). The producer asks it where
        //    each topic's queues are, then sends to the brokers directly.
        producer.setNamesrvAddr(rocketmq.nameServer());
        // 3. How long one send() may take in total, retries included (default 3000 ms).
        producer.setSendMsgTimeout(5_000);
        // 4. Retries of a failed synchronous send, on another broker if there is one (default 2,
        //    so up to 3 attempts). A retry can store a message twice: consumers must be idempotent.
        producer.setRetryTimesWhenSendFailed(3);
        // 5. The same for asynchronous sends (default 2).
        producer.setRetryTimesWhenSendAsyncFailed(3);
        // 6. The largest message this producer sends (default 4 MiB, as the broker's maxMessageSize).
        //    Small here, to watch the setting work.
        producer.setMaxMessageSize(64 * 1024);
        System.out.printf("Created producer of group %s: NameServer %s, send timeout %d ms, %d retries (sync), %d (async),"
                + " max message %d bytes.%n", producer.getProducerGroup(), producer.getNamesrvAddr(),
            producer.getSendMsgTimeout(), producer.getRetryTimesWhenSendFailed(),
            producer.getRetryTimesWhenSendAsyncFailed(), producer.getMaxMessageSize());

        // 7. start(): connects, starts the background threads. Until then send() throws.
        producer.start();
        ServiceState afterStart = producer.getDefaultMQProducerImpl().getServiceState();
        System.out.println("Started: " + afterStart);

        SendResult sent;
        MQClientException tooLarge = null;
        try {
            sent = producer.send(new Message(topic, "TagA", "hello".getBytes(StandardCharsets.UTF_8)));
            System.out.printf("A send works: %s to queue %d.%n", sent.getSendStatus(), sent.getMessageQueue().getQueueId());
            // The max message size at work: the producer itself refuses a larger message.
            try {
                producer.send(new Message(topic, new byte[100 * 1024]));
            } catch (MQClientException e) {
                tooLarge = e;
                System.out.println("A 100 KiB message is refused by the producer itself: " + Hints.explain(e));
            }
        } finally {
            // 8. shutdown(): unregisters from the brokers and stops the threads. Always, in finally.
            producer.shutdown();
        }
        ServiceState afterShutdown = producer.getDefaultMQProducerImpl().getServiceState();
        System.out.println("Shut down: " + afterShutdown);

        // A shut-down producer cannot send (and cannot be started again: create a new one).
        MQClientException afterShutdownError = null;
        try {
            producer.send(new Message(topic, "late".getBytes(StandardCharsets.UTF_8)));
        } catch (MQClientException e) {
            afterShutdownError = e;
            System.out.println("Sending after shutdown fails: " + Hints.explain(e));
        }
        return new Result(producer.getProducerGroup(), producer.getNamesrvAddr(), producer.getSendMsgTimeout(),
            producer.getRetryTimesWhenSendFailed(), producer.getRetryTimesWhenSendAsyncFailed(),
            producer.getMaxMessageSize(), afterStart, sent, tooLarge, afterShutdown, afterShutdownError);
    }
}
