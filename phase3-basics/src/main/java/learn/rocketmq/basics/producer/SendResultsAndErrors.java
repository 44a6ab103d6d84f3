package learn.rocketmq.basics.producer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.StackProfile;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * What a classic {@code send()} can tell you: a {@link SendStatus} when the broker stored the
 * message, an exception when it did not. Every exception a learner really meets is provoked here
 * and explained in one line.
 * Roadmap: 3.1 Producer Basics: Handle send results and exceptions.
 *
 * <p>Rule of thumb: an exception means "not stored" (retry, or keep it aside); any status means
 * "stored", and only {@code SEND_OK} also means "as durable as the broker is configured to make
 * it". Most exceptions are the sender's mistake (no topic, too large, bad name, empty body) and
 * retrying cannot help; only an unreachable RocketMQ is worth retrying later.
 * Run it: {@code ./lesson SendResultsAndErrors}. The 5.x client's errors: {@link SendResultsAndErrorsGrpc}.
 */
public class SendResultsAndErrors {

    /** What each status means and what to do about it. */
    public static final Map<SendStatus, String> WHAT_TO_DO = Map.of(
        SendStatus.SEND_OK, "stored (and flushed/replicated as far as the broker is configured to): done",
        SendStatus.FLUSH_DISK_TIMEOUT, "stored in memory, but a SYNC_FLUSH broker did not get it to disk in time:"
            + " lost only if the broker machine dies now; resend if that matters (a duplicate is possible)",
        SendStatus.FLUSH_SLAVE_TIMEOUT, "stored on the master, but a SYNC_MASTER's slave did not confirm in time:"
            + " lost only if the master dies now; resend if that matters (a duplicate is possible)",
        SendStatus.SLAVE_NOT_AVAILABLE, "stored on the master, but a SYNC_MASTER has no slave to copy to:"
            + " check the slave; resend if you need two copies");

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonSendResultsAndErrors", "lesson-send-results-and-errors");
        // 6. The broker gone after the producer learned its address: on a RocketMQ of our own,
        //    started and stopped for this (a few seconds).
        brokerGone(StackProfile.DEFAULTS, "LessonSendResultsAndErrorsGone", "lesson-send-results-and-errors-gone");
        System.out.printf("Done: %s, and %d attempts explained.%n", result.ok().getSendStatus(), result.failures().size() + 1);
    }

    /** One provoked failure: what was tried, what was thrown, the one-line hint. */
    public record Failure(String attempt, Throwable error, String hint) {
    }

    public record Result(SendResult ok, List<Failure> failures) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        System.out.println("The statuses a send can return (the non-OK ones need a SYNC_FLUSH or SYNC_MASTER broker;"
            + " this one is ASYNC, so it always says SEND_OK):");
        for (SendStatus status : SendStatus.values()) {
            System.out.printf("  %-20s %s%n", status, WHAT_TO_DO.get(status));
        }

        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.start();
        List<Failure> failures = new ArrayList<>();
        SendResult ok;
        try {
            ok = producer.send(new Message(topic, "hello".getBytes(StandardCharsets.UTF_8)));
            System.out.printf("%nA good send: %s (queue %d, offset %d). Now the ways it fails:%n", ok.getSendStatus(),
                ok.getMessageQueue().getQueueId(), ok.getQueueOffset());

            // 1. A topic nobody created. A default installation (autoCreateTopicEnable=true, as
            //    ./rocketmq up and docker compose run) creates it on this first send: no error, and
            //    the typo is now a topic nobody reads. Production brokers turn that off, and the
            //    send fails instead (our test stack does too).
            failures.add(attempt("a topic that does not exist",
                () -> producer.send(new Message(topic + "-missing", "x".getBytes(StandardCharsets.UTF_8)))));
            // 2. Larger than the limit (4 MiB by default): checked by the producer before sending.
            failures.add(attempt("a 5 MiB message", () -> producer.send(new Message(topic, new byte[5 * 1024 * 1024]))));
            // 3. A topic name with characters RocketMQ does not allow (only letters, digits, - _ % |).
            failures.add(attempt("an illegal topic name",
                () -> producer.send(new Message("orders/eu west", "x".getBytes(StandardCharsets.UTF_8)))));
            // 4. An empty body.
            failures.add(attempt("an empty body", () -> producer.send(new Message(topic, new byte[0]))));
        } finally {
            producer.shutdown();
        }

        // 5. RocketMQ unreachable: a producer whose NameServer address has nobody listening.
        DefaultMQProducer lost = new DefaultMQProducer(group + "-unreachable");
        lost.setNamesrvAddr("127.0.0.1:" + freePort());
        lost.setSendMsgTimeout(2_000);
        lost.start();
        try {
            failures.add(attempt("RocketMQ unreachable (nobody at the NameServer address)",
                () -> lost.send(new Message(topic, "x".getBytes(StandardCharsets.UTF_8)))));
        } finally {
            lost.shutdown();
        }
        return new Result(ok, failures);
    }

    /**
     * A producer sends once (so it knows the broker's address), then the whole RocketMQ stops:
     * the next send tries the broker it knows, and every attempt fails to connect.
     */
    public static Failure brokerGone(StackProfile profile, String topic, String group) throws Exception {
        try (EmbeddedRocketMQ own = EmbeddedRocketMQ.start(profile)) {
            try (RocketMQAdmin admin = RocketMQAdmin.connect(own.rocketMQ())) {
                admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            }
            DefaultMQProducer producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(own.rocketMQ().nameServer());
            producer.setSendMsgTimeout(2_000);
            producer.start();
            try {
                producer.send(new Message(topic, "x".getBytes(StandardCharsets.UTF_8)));
                own.close(); // NameServer and broker stop
                return attempt("the broker gone (after the producer learned its address)",
                    () -> producer.send(new Message(topic, "x".getBytes(StandardCharsets.UTF_8))));
            } finally {
                producer.shutdown();
            }
        }
    }

    interface Send {
        void send() throws Exception;
    }

    private static Failure attempt(String what, Send send) {
        try {
            send.send();
            String hint = "no error: the broker accepted it (for a missing topic: it created the topic,"
                + " autoCreateTopicEnable=true, RocketMQ's default; production brokers set it to false)";
            System.out.printf("%n%s -> %s%n", what, hint);
            return new Failure(what, null, hint);
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
