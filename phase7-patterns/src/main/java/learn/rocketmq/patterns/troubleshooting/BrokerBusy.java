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
 * send retries a busy answer itself ({@code retryTimesWhenSendFailed}); an async send does not: its
 * callback gets the {@code MQBrokerException} and a producer that only logs it loses the message.
 * The solution: treat code 2 as transient, keep the refused messages and send them again (here
 * synchronously, after the burst), and bound the messages in flight ({@code
 * setEnableBackpressureForAsyncMode}); raise {@code waitTimeMillsInSendQueue} only if the disk is
 * fast enough. Run it: {@code ./lesson BrokerBusy} (its own broker; about 20 s).
 */
public class BrokerBusy {

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
            producer.start();
            try {
                // 1. A burst of async sends: as fast as the client can write them.
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
                    throw new IllegalStateException(otherFailures.size() + " sends failed otherwise, e.g. " + otherFailures.values().iterator().next());
                }
                // The broker indexes a stored message for its consumers (its consume queue) just after the send's answer.
                Wait.until(Duration.ofSeconds(10), "the acknowledged messages in the topic", () -> admin.storedMessages(topic) >= acknowledged.get());
                long storedBefore = admin.storedMessages(topic);
                System.out.printf("1. %d async sends: %d refused %s; the topic holds %d%n", messages, refused.size(),
                    new TreeMap<>(refusals), storedBefore);
                // 2. The fix: the refused ones again, one at a time (a sync send retries a busy answer itself).
                for (int n : refused.stream().sorted().toList()) {
                    producer.send(new Message(topic, "", "m-" + n, body));
                    acknowledged.incrementAndGet();
                }
                Wait.until(Duration.ofSeconds(10), "the acknowledged messages in the topic", () -> admin.storedMessages(topic) >= acknowledged.get());
                long storedAfter = admin.storedMessages(topic);
                System.out.printf("2. The %d refused sent again: the topic holds %d%n", refused.size(), storedAfter);
                String hint = firstRefusal.isEmpty() ? "" : Hints.explain(firstRefusal.get("first"));
                System.out.printf("   What a lesson prints for it: %s%n", hint);
                return new Result(messages, refused.size(), new TreeMap<>(refusals), storedBefore, storedAfter, hint);
            } finally {
                producer.shutdown();
            }
        }
    }
}
