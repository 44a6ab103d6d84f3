package learn.rocketmq.production.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * The broker settings that decide how fast it takes writes, and what it answers when it cannot
 * keep up: each one measured before and after, in one run, on two masters side by side.
 * Roadmap: 5.1 Broker Configuration: Performance tuning.
 *
 * <ul>
 *   <li>Read at start (so set on a second broker, the baseline keeps the defaults):
 *   {@code sendMessageThreadPoolNums} (threads that write sends, default min(cores, 4)),
 *   {@code useReentrantLockWhenPutMessage} (the commit log's write lock: a ReentrantLock by
 *   default, a spin lock with false; RocketMQ suggests one send thread and the spin lock for an
 *   ASYNC_FLUSH master, as threads take turns on that one lock anyway) and
 *   {@code transientStorePoolEnable} (writes go to off-heap buffers, committed to the file
 *   once 16 KB wait or 200 ms after the last commit: the page cache sees bigger writes, but what is acknowledged and not
 *   committed yet is in the broker process's own memory, so a crashed <em>process</em> loses it,
 *   which with the default it does not; its buffers are {@code transientStorePoolSize} (5) commit
 *   log files of memory: 5 GB with the default 1 GB files, so both brokers here use 32 MB files).</li>
 *   <li>Changed while the broker runs ({@code mqadmin updateBrokerConfig}): {@code waitTimeMillsInSendQueue}
 *   (200 ms), how long a send may wait for a send thread before the broker answers
 *   {@code [TIMEOUT_CLEAN_QUEUE]broker busy}; {@code osPageCacheBusyTimeOutMills} (1000 ms), how long
 *   one write may hold the lock before the broker calls the page cache busy and turns sends away
 *   (whichever check meets it first answers: the queue sweep {@code [PCBUSY_CLEAN_QUEUE]broker busy},
 *   a request arriving {@code [REJECTREQUEST]system busy}, the store {@code [PC_SYNCHRONIZED]broker busy}). This machine is not slow
 *   enough to meet the defaults, so the lesson lowers each below what a burst takes here, then
 *   raises it, as a team does for a bursty load. A sync send retries a busy answer on another broker;
 *   an async one (here, no retries) gets it in {@code onException}.</li>
 * </ul>
 * Throughput figures are this machine's and printed, not promised: it has 2 cores shared with its
 * tests. Run it: {@code ./lesson PerformanceTuning}.
 */
public class PerformanceTuning {

    /** Both brokers' commit log file size: the transient store pool holds 5 of them in memory. */
    static final int FILE_SIZE = 32 * 1024 * 1024;
    static final int THREADS = 8;
    static final int CHECKED = 20;

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, brokers(RocketMQCluster.topology(), "broker-a", "broker-b"))) {
            Result r = run(cluster, "broker-a", "broker-b", "LessonPerformanceTuning", 2000);
            System.out.printf("Done: the tuned broker took x%.2f the sends per second of the default one; busy answers with"
                + " waitTimeMillsInSendQueue %s, with osPageCacheBusyTimeOutMills %s.%n", r.tuned().perSecond() / r.baseline().perSecond(),
                r.sendQueue(), r.pageCache());
        }
    }

    /** Two masters with 32 MB files: {@code baseline} as installed, {@code tuned} with the start-time settings. */
    public static RocketMQCluster.Topology brokers(RocketMQCluster.Topology topology, String baseline, String tuned) {
        topology.brokerGroup(baseline).brokerGroup(tuned);
        for (String group : List.of(baseline, tuned)) {
            topology.set(group, "mappedFileSizeCommitLog", Integer.toString(FILE_SIZE));
        }
        return topology.set(tuned, "sendMessageThreadPoolNums", "1").set(tuned, "useReentrantLockWhenPutMessage", "false")
            .set(tuned, "transientStorePoolEnable", "true");
    }

    /** A broker: its settings as it reports them, its send threads, sends per second, and acks of uncommitted writes. */
    public record Broker(String name, Map<String, String> settings, int sendThreads, double perSecond, int uncommittedAfterAck) {
    }

    /** A burst of async sends at one setting: how many were stored, how many the broker turned away, and its words. */
    public record Burst(long setting, int ok, int busy, int otherErrors, String answer) {
        @Override
        public String toString() {
            return setting + " ms: " + busy + " of " + (ok + busy + otherErrors) + " turned away";
        }
    }

    public record Result(Broker baseline, Broker tuned, List<Burst> sendQueue, List<Burst> pageCache) {
    }

    public static Result run(RocketMQCluster cluster, String baselineGroup, String tunedGroup, String topic, int count)
        throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        List<RocketMQServer> brokers = List.of(cluster.master(baselineGroup), cluster.master(tunedGroup));
        List<String> topics = List.of(topic + "-default", topic + "-tuned");
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer("performance-tuning-producer"), rocketmq);
        producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE); // bodies as they are: the broker's work is measured
        producer.setRetryTimesWhenSendAsyncFailed(0);             // a busy answer reaches onException as it is
        producer.setSendMsgTimeout(15_000);
        producer.start();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // 1. The settings each broker runs with, as it reports them (mqadmin getBrokerConfig).
            List<Map<String, String>> settings = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                admin.createTopicOn(List.of(brokers.get(b).address()), topics.get(b), TopicMessageType.NORMAL, 8);
                Properties p = admin.api().getBrokerConfig(brokers.get(b).address());
                Map<String, String> s = new LinkedHashMap<>();
                for (String key : List.of("sendMessageThreadPoolNums", "useReentrantLockWhenPutMessage", "transientStorePoolEnable")) {
                    s.put(key, p.getProperty(key));
                }
                settings.add(s);
                System.out.printf("1. %s: %s%n", brokers.get(b).name(), s);
            }

            // 2. Throughput: THREADS threads sending 1 KB one at a time each, to each broker in turns
            //    (warmed up first; whichever went first would otherwise look slower).
            double[] seconds = new double[2];
            sendFromThreads(producer, topics.get(0), 500);
            sendFromThreads(producer, topics.get(1), 500);
            for (int round = 0; round < 3; round++) {
                for (int b = 0; b < 2; b++) {
                    seconds[b] += sendFromThreads(producer, topics.get(b), count);
                }
            }
            int[] threads = {sendThreads(brokers.get(0)), sendThreads(brokers.get(1))};
            for (int b = 0; b < 2; b++) {
                System.out.printf("2. %s: %.0f sends/s from %d threads, written by %s send threads%n", brokers.get(b).name(),
                    3 * count / seconds[b], THREADS, threads[b] < 0 ? "(not countable here)" : Integer.toString(threads[b]));
            }

            // 3. Acknowledged, but only in the broker's off-heap buffer (remainHowManyDataToCommit, mqadmin
            //    brokerStatus): not in the page cache yet, so a crash of the process would take it. The
            //    broker commits once 16 KB wait, or on the first send 200 ms after its last commit
            //    (commitCommitLogThoroughInterval): a send to a quiet broker is committed at once, one in
            //    steady traffic waits up to 200 ms. Stretched to 60 s here, that wait shows on every check.
            update(admin, brokers.get(1), "commitCommitLogThoroughInterval", 60_000);
            int[] uncommitted = new int[2];
            for (int i = 0; i < CHECKED; i++) {
                for (int b = 0; b < 2; b++) {
                    producer.send(new Message(topics.get(b), new byte[1024]));
                    String remain = admin.api().fetchBrokerRuntimeStats(brokers.get(b).address()).getTable().get("remainHowManyDataToCommit");
                    if (remain != null && !remain.equals("0 B")) {
                        uncommitted[b]++;
                    }
                }
            }
            update(admin, brokers.get(1), "commitCommitLogThoroughInterval", 200);
            System.out.printf("3. Right after SEND_OK, in the broker's memory only: %s %d of %d times, %s %d of %d times"
                + " (committed each time 16 KB had piled up)%n",
                brokers.get(0).name(), uncommitted[0], CHECKED, brokers.get(1).name(), uncommitted[1], CHECKED);

            // 4. waitTimeMillsInSendQueue on the broker with one send thread: a burst of 1000 async sends.
            List<Burst> sendQueue = new ArrayList<>();
            for (long wait : new long[] {1, 200, 1000}) {
                update(admin, brokers.get(1), "waitTimeMillsInSendQueue", wait);
                sendQueue.add(burst(producer, topics.get(1), new byte[1024], 1000, wait));
            }
            update(admin, brokers.get(1), "waitTimeMillsInSendQueue", 200);
            sendQueue.forEach(b -> System.out.printf("4. waitTimeMillsInSendQueue %s%s%n", b, b.busy() > 0 ? ": " + b.answer() : ""));

            // 5. osPageCacheBusyTimeOutMills on the default broker: a burst of 60 async 512 KB sends.
            byte[] big = new byte[512 * 1024];
            new Random(5).nextBytes(big);
            List<Burst> pageCache = new ArrayList<>();
            for (long busyAfter : new long[] {1000, 0}) {
                update(admin, brokers.get(0), "osPageCacheBusyTimeOutMills", busyAfter);
                pageCache.add(burst(producer, topics.get(0), big, 60, busyAfter));
            }
            update(admin, brokers.get(0), "osPageCacheBusyTimeOutMills", 1000);
            pageCache.forEach(b -> System.out.printf("5. osPageCacheBusyTimeOutMills %s%s%n", b, b.busy() > 0 ? ": " + b.answer() : ""));

            List<Broker> result = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                result.add(new Broker(brokers.get(b).name(), settings.get(b), threads[b], 3 * count / seconds[b], uncommitted[b]));
            }
            return new Result(result.get(0), result.get(1), sendQueue, pageCache);
        } finally {
            producer.shutdown();
        }
    }

    /** {@code count} sync sends of 1 KB from THREADS threads at once: the seconds they took. */
    private static double sendFromThreads(DefaultMQProducer producer, String topic, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger left = new AtomicInteger(count);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                senders.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        producer.send(new Message(topic, new byte[1024]));
                    }
                    return null;
                }));
            }
            for (Future<?> sender : senders) {
                sender.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** {@code n} async sends at once; waits for every answer. */
    private static Burst burst(DefaultMQProducer producer, String topic, byte[] body, int n, long setting) throws Exception {
        CountDownLatch answered = new CountDownLatch(n);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicReference<String> answer = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            producer.send(new Message(topic, body), new SendCallback() {
                @Override
                public void onSuccess(SendResult result) {
                    ok.incrementAndGet();
                    answered.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    String text = String.valueOf(e.getMessage());
                    if (text.contains("broker busy") || text.contains("system busy")) {
                        busy.incrementAndGet();
                        // "CODE: 2  DESC: [TIMEOUT_CLEAN_QUEUE]broker busy, ... BROKER: ..." : the broker's words
                        int from = text.indexOf('[');
                        int to = text.indexOf(" BROKER:");
                        answer.compareAndSet(null, text.substring(Math.max(0, from), to > from ? to : text.length()).trim());
                    } else {
                        other.incrementAndGet();
                        answer.compareAndSet(null, text);
                    }
                    answered.countDown();
                }
            });
        }
        if (!answered.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a burst of " + n + " sends was not answered within 60 s: is the broker up?");
        }
        return new Burst(setting, ok.get(), busy.get(), other.get(), answer.get());
    }

    /** mqadmin updateBrokerConfig, read back: the broker takes a key it does not know without a word. */
    static void update(RocketMQAdmin admin, RocketMQServer broker, String key, long value) throws Exception {
        Properties p = new Properties();
        p.setProperty(key, Long.toString(value));
        admin.api().updateBrokerConfig(broker.address(), p);
        String now = admin.api().getBrokerConfig(broker.address()).getProperty(key);
        if (!Long.toString(value).equals(now)) {
            throw new IllegalArgumentException(broker.name() + " did not take " + key + "=" + value + " (it reports " + now
                + "): check the key's spelling against mqadmin getBrokerConfig (RocketMQ writes \"Mills\", not \"Millis\")");
        }
    }

    /** The broker's threads named SendMessageThread_* (Linux: /proc/PID/task/TID/comm, 15 characters), or -1 where not readable. */
    static int sendThreads(RocketMQServer broker) {
        Path tasks = Path.of("/proc", Long.toString(broker.pid()), "task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        try (Stream<Path> all = Files.list(tasks)) {
            return (int) all.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).startsWith("SendMessageThre");
                } catch (java.io.IOException ended) {
                    return false;
                }
            }).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
