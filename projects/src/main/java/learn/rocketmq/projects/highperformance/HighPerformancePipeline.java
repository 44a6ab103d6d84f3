package learn.rocketmq.projects.highperformance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.internals.performance.LoadRun;
import learn.rocketmq.internals.performance.Report;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A high-performance message processing system: a million payment events ingested with the
 * producer settings the benchmark lab found fastest (batches of 32 from 8 threads), processed by a
 * consumer tuned as the consumer lab showed (batch listener, 32 per call), with end-to-end latency
 * percentiles, throughput per second, a chart, and a count and checksum proving nothing was lost
 * or processed twice.
 * Roadmap: Phase 6 hands-on: High-performance message processing system.
 *
 * <p>Each event carries its account, its amount and the time it was handed to the producer (the
 * producer and the consumer share this JVM's clock). The processor adds each amount to its
 * account's balance; a delivery seen before (at-least-once: a rebalance may deliver again) is
 * counted and not applied twice. At the end the balances and the CRC checksum of the processed
 * bodies must equal the sender's. Throughput is the events over the time from the first send to
 * the last processed event; latency is send to processed. Run it: {@code ./lesson
 * HighPerformancePipeline} (1,000,000 events; {@code --events N} for another count). CSV and
 * charts go to {@code target/benchmark/}.
 */
public class HighPerformancePipeline {

    public static final int ACCOUNTS = 1000;
    public static final int BATCH = 32;
    public static final int PRODUCER_THREADS = 8;

    public static void main(String[] args) throws Exception {
        int events = 1_000_000;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--events")) {
                events = Integer.parseInt(args[i + 1]);
            }
        }
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, LoadRun.topology())) {
            Result r = run(cluster, "LessonHighPerformance", events, Path.of("target", "benchmark"));
            System.out.printf("Done: %d events, %d processed once, %d lost, %d redelivered and skipped; %.0f events/s end to end,"
                    + " latency p50 %.1f ms, p99 %.1f ms; checksums %s.%n", r.events(), r.processed(), r.lost(), r.duplicates(),
                r.eventsPerSecond(), r.latencyMillis(50), r.latencyMillis(99), r.checksumsMatch() ? "match" : "DIFFER");
        }
    }

    public record Result(int events, long processed, long lost, long duplicates, long sentChecksum, long processedChecksum,
                         boolean balancesMatch, double seconds, Histogram latencyMicros, List<Long> processedPerSecond, List<Path> files) {
        public boolean checksumsMatch() {
            return sentChecksum == processedChecksum;
        }

        public double eventsPerSecond() {
            return events / seconds;
        }

        public double latencyMillis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    public static Result run(RocketMQCluster cluster, String topic, int events, Path out) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        String group = topic + "-processor";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 8);
            admin.createConsumerGroup(group);
        }
        // What the processor keeps: how often each event was delivered, the balances, the checksum, the latencies.
        AtomicIntegerArray deliveries = new AtomicIntegerArray(events);
        AtomicLongArray balances = new AtomicLongArray(ACCOUNTS);
        LongAdder processedChecksum = new LongAdder();
        LongAdder duplicates = new LongAdder();
        Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
        CountDownLatch allProcessed = new CountDownLatch(events);
        AtomicLong lastProcessed = new AtomicLong();
        long start = System.nanoTime();
        int seconds = 3600;
        AtomicLongArray perSecond = new AtomicLongArray(seconds);

        // 1. The processor: a push consumer handed up to 32 events per call, 20 threads (the defaults).
        DefaultMQPushConsumer processor = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        processor.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        processor.setConsumeMessageBatchMaxSize(BATCH);
        processor.subscribe(topic, "*");
        processor.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            long now = System.nanoTime();
            for (MessageExt m : messages) {
                String[] fields = new String(m.getBody(), StandardCharsets.UTF_8).split(",");
                int id = Integer.parseInt(fields[0]);
                if (deliveries.getAndIncrement(id) > 0) {
                    duplicates.increment(); // processed before: not applied twice
                    continue;
                }
                balances.addAndGet(Integer.parseInt(fields[1]), Long.parseLong(fields[2]));
                processedChecksum.add(crc(m.getBody()));
                latency.recordValue(Math.max(0, (now - Long.parseLong(m.getUserProperty("sentNanos"))) / 1000));
                perSecond.incrementAndGet((int) Math.min(seconds - 1, (now - start) / 1_000_000_000L));
                allProcessed.countDown();
            }
            lastProcessed.set(System.nanoTime());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        processor.start();

        // 2. Ingest: 8 threads sending batches of 32 (the producer lab's best), each event "id,account,amount".
        long[] expectedBalances = new long[ACCOUNTS];
        long sentChecksum = 0;
        for (int id = 0; id < events; id++) {
            expectedBalances[id % ACCOUNTS] += amount(id);
            sentChecksum += crc(body(id));
        }
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-ingest"), rocketmq);
        producer.start();
        AtomicLong next = new AtomicLong();
        List<Thread> senders = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            for (int t = 0; t < PRODUCER_THREADS; t++) {
                Thread sender = new Thread(() -> {
                    for (long from; (from = next.getAndAdd(BATCH)) < events; ) {
                        List<Message> batch = new ArrayList<>();
                        for (long id = from; id < Math.min(events, from + BATCH); id++) {
                            Message m = new Message(topic, body((int) id));
                            m.putUserProperty("sentNanos", Long.toString(System.nanoTime()));
                            batch.add(m);
                        }
                        sendUntilStored(producer, batch, failures);
                    }
                }, "ingest-" + t);
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join();
            }
        } finally {
            producer.shutdown();
        }
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("1. Ingested %d events in %.1f s (%.0f events/s), %d send failure(s) retried%n", events, ingestSeconds,
            events / ingestSeconds, failures.size());

        // 3. Wait (bounded) until every event is processed, then check it all.
        boolean done = allProcessed.await(Math.max(60, events / 5_000), TimeUnit.SECONDS);
        processor.shutdown();
        long processed = 0;
        long lost = 0;
        for (int id = 0; id < events; id++) {
            processed += deliveries.get(id) > 0 ? 1 : 0;
            lost += deliveries.get(id) == 0 ? 1 : 0;
        }
        boolean balancesMatch = true;
        for (int a = 0; a < ACCOUNTS; a++) {
            balancesMatch &= balances.get(a) == expectedBalances[a];
        }
        double totalSeconds = (lastProcessed.get() - start) / 1e9;
        System.out.printf("2. %s: %d processed once, %d lost, %d redeliveries skipped; balances %s; checksum %d sent, %d processed%n",
            done ? "All processed" : "NOT all processed", processed, lost, duplicates.sum(), balancesMatch ? "match" : "DIFFER",
            sentChecksum, processedChecksum.sum());
        System.out.printf("3. End to end: %.0f events/s over %.1f s; latency from send to processed: p50 %.1f, p90 %.1f, p99 %.1f,"
                + " p99.9 %.1f, max %.1f ms%n", events / totalSeconds, totalSeconds, latency.getValueAtPercentile(50) / 1000.0,
            latency.getValueAtPercentile(90) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
            latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0);

        List<Long> processedPerSecond = new ArrayList<>();
        for (int s = 0; s <= Math.min(seconds - 1, (int) totalSeconds); s++) {
            processedPerSecond.add(perSecond.get(s));
        }
        Map<String, Double> throughput = new LinkedHashMap<>();
        for (int s = 0; s < processedPerSecond.size(); s++) {
            throughput.put("second " + (s + 1), processedPerSecond.get(s) / 1000.0);
        }
        Map<String, Double> percentiles = new LinkedHashMap<>();
        for (double p : List.of(50.0, 90.0, 99.0, 99.9, 100.0)) {
            percentiles.put(p == 100.0 ? "max" : "p" + (p % 1 == 0 ? Integer.toString((int) p) : Double.toString(p)),
                latency.getValueAtPercentile(p) / 1000.0);
        }
        List<Path> files = List.of(
            Report.barChart(out, "pipeline-throughput", "Events processed per second (thousands)", "thousand events", throughput),
            Report.barChart(out, "pipeline-latency", "End-to-end latency, send to processed (ms)", "ms", percentiles));
        System.out.printf("4. Wrote %s%n", files);
        return new Result(events, processed, lost, duplicates.sum(), sentChecksum, processedChecksum.sum(), balancesMatch, totalSeconds,
            latency, processedPerSecond, files);
    }

    /** Sends a batch; a failed send is sent again (at-least-once: the processor skips what it has seen). */
    private static void sendUntilStored(DefaultMQProducer producer, List<Message> batch, List<Exception> failures) {
        for (int attempt = 1; attempt <= 10; attempt++) {
            try {
                SendResult r = producer.send(batch);
                if (r.getSendStatus() == SendStatus.SEND_OK) {
                    return;
                }
                failures.add(new IllegalStateException(r.getSendStatus().toString()));
            } catch (Exception e) {
                failures.add(e);
            }
        }
        throw new IllegalStateException("a batch failed 10 times, last: " + failures.get(failures.size() - 1).getMessage());
    }

    private static int amount(int id) {
        return id % 97 + 1;
    }

    private static byte[] body(int id) {
        return (id + "," + id % ACCOUNTS + "," + amount(id)).getBytes(StandardCharsets.UTF_8);
    }

    private static long crc(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return crc.getValue();
    }
}
