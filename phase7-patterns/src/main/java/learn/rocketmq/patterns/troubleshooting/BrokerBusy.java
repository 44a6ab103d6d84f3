package learn.rocketmq.patterns.troubleshooting;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * A common issue: "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while" on async
 * sends under load.
 * Roadmap: 7.4 Troubleshooting: Common issues and solutions.
 *
 * <p>A broker queues each send request for its few send threads ({@code sendMessageThreadPoolNums},
 * at most 4). Its fast-failure guard ({@code brokerFastFailureEnable}, on by default) answers
 * {@code SYSTEM_BUSY} (code 2) to every request that waited there longer than {@code
 * waitTimeMillsInSendQueue} (200 ms by default): the broker protects its latency instead of letting
 * the queue grow. A slow disk or a burst gets you there; this lesson's broker allows 1 ms, so a burst
 * of async sends on a laptop is enough. The refused messages are <b>not stored</b>. A synchronous
 * send retries a busy answer itself ({@code retryTimesWhenSendFailed}, at once); an async send does
 * not: its callback gets the {@code MQBrokerException} and a producer that only logs it loses the
 * message. The solution: treat code 2 as transient, keep the refused messages and send them again
 * with a pause between tries (here after the burst); raise {@code waitTimeMillsInSendQueue} only if
 * the disk is fast enough.
 *
 * <p>And bound the sends in flight ({@code setEnableBackpressureForAsyncMode}): unbounded, the burst
 * queues on the producer's one connection to the broker, the producer's heartbeat (a synchronous
 * request with a 3 s timeout, on the same connection) waits behind it and times out, and the client
 * closes the connection ({@code clientCloseSocketIfTimeout}, on by default): every send in flight
 * then fails at once with "send request failed". Run it: {@code ./lesson BrokerBusy} (its own
 * broker; about 20 s).
 */
public class BrokerBusy {

    /** The async sends the lesson's producer lets wait for an answer at once (its default: 1024). */
    static final int IN_FLIGHT = 256;

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, impatientBroker())) {
            Result r = run(cluster.rocketMQ(), "LessonBrokerBusy", 20_000);
            System.out.printf("Done: %d sent, %d refused %s; stored %d, then %d after sending the refused ones again.%n",
                r.sent(), r.refused(), r.refusals(), r.storedBefore(), r.storedAfter());
        }
    }

    /** One master that lets a send request wait 1 ms in its queue (default 200 ms). */
    public static RocketMQCluster.Topology impatientBroker() {
        return RocketMQCluster.topology().brokerGroup("broker-a").set("waitTimeMillsInSendQueue", "1");
    }

    /**
     * Messages sent; refused ones; the refusals by response code and text (up to the first comma);
     * messages stored after the burst, and after the refused ones were sent again.
     */
    public record Result(int sent, int refused, Map<String, Integer> refusals, long storedBefore, long storedAfter,
                         String hint) {
    }

    public static Result run(RocketMQ rocketmq, String topic, int messages) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-producer"), rocketmq);
            // At most IN_FLIGHT async sends unanswered: send() waits for a free slot.
            producer.setEnableBackpressureForAsyncMode(true);
            producer.setBackPressureForAsyncSendNum(IN_FLIGHT);
            producer.start();
            try {
                // 1. A burst of async sends: as fast as the broker answers them.
                Set<Integer> refused = ConcurrentHashMap.newKeySet();
                Map<String, Integer> refusals = new ConcurrentHashMap<>();
                Map<Integer, Throwable> otherFailures = new ConcurrentHashMap<>();
                Map<String, Throwable> firstRefusal = new ConcurrentHashMap<>();
                AtomicInteger acknowledged = new AtomicInteger();
                CountDownLatch answered = new CountDownLatch(messages);
                byte[] body = new byte[1024];
                for (int i = 0; i < messages; i++) {
                    int n = i;
                    producer.send(new Message(topic, "", "m-" + n, body), new SendCallback() {
                        @Override
                        public void onSuccess(SendResult result) {
                            acknowledged.incrementAndGet();
                            answered.countDown();
                        }

                        @Override
                        public void onException(Throwable e) {
                            if (e instanceof MQBrokerException busy && busy.getResponseCode() == 2) { // SYSTEM_BUSY
                                refused.add(n);
                                firstRefusal.putIfAbsent("first", busy);
                                refusals.merge("code 2 " + busy.getErrorMessage().split(",")[0], 1, Integer::sum);
                            } else {
                                otherFailures.put(n, e);
                            }
                            answered.countDown();
                        }
                    });
                }
                if (!answered.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(answered.getCount() + " async sends got no answer within 60 s");
                }
                if (!otherFailures.isEmpty()) {
                    Throwable e = otherFailures.values().iterator().next();
                    throw new IllegalStateException(otherFailures.size() + " sends failed otherwise, e.g. " + e
                        + (e.getCause() == null ? "" : " (" + e.getCause() + ")") + "; the producer's log says more");
                }
                // The broker indexes a stored message for its consumers (its consume queue) just after the send's answer.
                Wait.until(Duration.ofSeconds(10), "the acknowledged messages in the topic", () -> admin.storedMessages(topic) >= acknowledged.get());
                long storedBefore = admin.storedMessages(topic);
                System.out.printf("1. %d async sends, at most %d in flight: %d refused %s; the topic holds %d%n", messages,
                    IN_FLIGHT, refused.size(), new TreeMap<>(refusals), storedBefore);
                // 2. The fix: the refused ones again, one at a time, pausing after a busy answer.
                int busyAgain = 0;
                for (int n : refused.stream().sorted().toList()) {
                    busyAgain += sendUntilAccepted(producer, new Message(topic, "", "m-" + n, body));
                    acknowledged.incrementAndGet();
                }
                Wait.until(Duration.ofSeconds(10), "the acknowledged messages in the topic", () -> admin.storedMessages(topic) >= acknowledged.get());
                long storedAfter = admin.storedMessages(topic);
                System.out.printf("2. The %d refused sent again (%d of the tries busy again): the topic holds %d%n", refused.size(),
                    busyAgain, storedAfter);
                String hint = firstRefusal.isEmpty() ? "" : Hints.explain(firstRefusal.get("first"));
                System.out.printf("   What a lesson prints for it: %s%n", hint);
                return new Result(messages, refused.size(), new TreeMap<>(refusals), storedBefore, storedAfter, hint);
            } finally {
                producer.shutdown();
            }
        }
    }
    /**
     * A synchronous send, tried again after a pause (10 ms, doubling up to 1 s) while the broker
     * answers busy; the busy tries. A sync send already tries three times at once, which a loaded
     * machine and a 1 ms {@code waitTimeMillsInSendQueue} can all refuse.
     */
    static int sendUntilAccepted(DefaultMQProducer producer, Message message) throws Exception {
        long pause = 10;
        long deadline = System.currentTimeMillis() + 60_000;
        for (int busy = 0; ; busy++) {
            try {
                producer.send(message);
                return busy;
            } catch (Exception e) {
                boolean systemBusy = e instanceof MQBrokerException b && b.getResponseCode() == 2
                    || e.getCause() instanceof MQBrokerException b2 && b2.getResponseCode() == 2;
                if (!systemBusy || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(pause); // back off: the broker said it is busy
                pause = Math.min(pause * 2, 1_000);
            }
        }
    }
}
