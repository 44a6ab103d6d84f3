package learn.rocketmq.basics.producer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Asynchronous send: {@code send(message, callback)} returns at once, and the callback runs later,
 * on a client thread, with the result or the exception.
 * Roadmap: 3.1 Producer Basics: Send asynchronous messages.
 *
 * <p>Many messages travel at the same time, so throughput is much higher than sync send. Three
 * things are then your job: handle failures in {@code onException} (nobody else will), bound how
 * many sends are in flight (a {@link Semaphore}; otherwise a fast loop fills memory), and wait for
 * every callback before {@code shutdown()} (a producer shut down with sends in flight loses them).
 * Run it: {@code ./lesson AsyncProducer}. The 5.x way: {@link AsyncProducerGrpc}.
 */
public class AsyncProducer {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonAsyncProducer", "lesson-async-producer", 100, 8);
        System.out.printf("Done: %d succeeded, %d failed, at most %d in flight, %d stored.%n", result.succeeded().size(),
            result.failed().size(), result.maxInFlight(), result.stored());
    }

    /** What the callbacks reported, the most sends seen in flight at once, what the broker holds. */
    public record Result(List<SendResult> succeeded, List<Throwable> failed, int maxInFlight, boolean allCallbacksFired,
                         long stored) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count, int inFlightLimit) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            DefaultMQProducer producer = new DefaultMQProducer(group);
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.setRetryTimesWhenSendAsyncFailed(2); // async sends are retried too
            producer.start();

            List<SendResult> succeeded = new CopyOnWriteArrayList<>();
            List<Throwable> failed = new CopyOnWriteArrayList<>();
            Semaphore inFlight = new Semaphore(inFlightLimit); // at most this many unanswered sends
            AtomicInteger current = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            boolean allCallbacksFired;
            try {
                for (int i = 1; i <= count; i++) {
                    inFlight.acquire(); // blocks while inFlightLimit sends are unanswered
                    max.accumulateAndGet(current.incrementAndGet(), Math::max);
                    Message message = new Message(topic, "TagA", "async-" + i, ("message " + i).getBytes(StandardCharsets.UTF_8));
                    producer.send(message, new SendCallback() {
                        @Override
                        public void onSuccess(SendResult result) {
                            succeeded.add(result);
                            current.decrementAndGet();
                            inFlight.release(); // the callback frees the slot, success...
                        }

                        @Override
                        public void onException(Throwable e) {
                            // ...or failure: log it, retry it, store it aside: it is yours now.
                            failed.add(e);
                            System.out.println("  send failed: " + Hints.explain(e));
                            current.decrementAndGet();
                            inFlight.release();
                        }
                    });
                }
                System.out.printf("The loop sent %d messages without waiting; %d callbacks so far.%n", count,
                    succeeded.size() + failed.size());
                // Wait for every callback: all permits back means nothing is in flight. Bounded.
                allCallbacksFired = inFlight.tryAcquire(inFlightLimit, 30, TimeUnit.SECONDS);
            } finally {
                producer.shutdown(); // only now: nothing is in flight any more
            }
            System.out.printf("All callbacks fired: %s (%d succeeded, %d failed); never more than %d in flight.%n",
                allCallbacksFired, succeeded.size(), failed.size(), max.get());
            long stored = admin.storedMessages(topic);
            System.out.printf("The broker's queues of %s hold %d messages.%n", topic, stored);
            return new Result(succeeded, failed, max.get(), allCallbacksFired, stored);
        }
    }
}
