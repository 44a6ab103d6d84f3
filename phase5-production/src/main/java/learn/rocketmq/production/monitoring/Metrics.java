package learn.rocketmq.production.monitoring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.Prometheus;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * The broker's metrics in a real Prometheus: messages in, consumer lag while a consumer is stuck,
 * send latency, all read back through Prometheus's query API.
 * Roadmap: 5.4 Monitoring & Operations: Metrics collection.
 *
 * <p>A 5.x broker measures itself with OpenTelemetry; {@code metricsExporterType=PROM} serves
 * the numbers over HTTP ({@code metricsPromExporterHost}/{@code Port}, default port 5557) for
 * Prometheus to scrape. The exporter appends units to names (a latency histogram is
 * {@code rocketmq_rpc_latency_milliseconds_bucket}) and counters end in {@code _total}. Consumer
 * lag ({@code rocketmq_consumer_lag_messages}) is the broker's newest offset minus the group's
 * committed one, counted only for groups with a consumer online: it is what an on-call engineer
 * watches, as {@code inflight} (handed to the consumer, not yet done) plus {@code ready} (not
 * fetched yet). Run it: {@code ./lesson Metrics} (a NameServer and a broker, each a process of
 * its own, and Prometheus: {@code apt-get install prometheus} or {@code brew install prometheus}).
 */
public class Metrics {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology());
             Prometheus prometheus = Prometheus.scraping(List.of(cluster.master("broker-a").metricsAddress()))) {
            Result r = run(cluster, prometheus, "LessonMetrics", "lesson-metrics", 100, 40);
            System.out.printf("Done: Prometheus counted %.0f messages in; lag %.0f while the consumer was stuck, %.0f after;"
                + " %d rocketmq_ metrics served.%n", r.messagesIn(), r.lagWhileStuck(), r.lagAfter(), r.metricNames().size());
        }
    }

    /** A NameServer and one broker that exports its metrics for Prometheus. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").metrics();
    }

    /** What Prometheus answered at each step. */
    public record Result(double messagesIn, double lagWhileStuck, double inflightWhileStuck, double readyWhileStuck,
                         double lagAfter, double sendP99Millis, List<String> metricNames) {
    }

    public static Result run(RocketMQCluster cluster, Prometheus prometheus, String topic, String group, int sent, int stuck)
        throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        System.out.printf("1. broker-a exports http://%s/metrics; %s scrapes it every second%n",
            cluster.master("broker-a").metricsAddress(), prometheus);
        Wait.until(Duration.ofSeconds(30), "Prometheus's first scrape", prometheus::targetsUp);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }

        // 2. Messages in, counted by the broker, summed over the topic's queues by Prometheus.
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.start();
        String messagesIn = "sum(rocketmq_messages_in_total{topic=\"" + topic + "\"})";
        try {
            send(producer, topic, sent);
            Wait.until(Duration.ofSeconds(30), "the count in Prometheus", () -> prometheus.value(messagesIn) == sent);
            double in = prometheus.value(messagesIn);
            System.out.printf("2. Sent %d; Prometheus: %s = %.0f%n", sent, messagesIn, in);

            // 3. A consumer takes them all, then gets stuck (a hung downstream call): lag grows.
            AtomicInteger consumed = new AtomicInteger();
            AtomicBoolean stuckNow = new AtomicBoolean();
            CountDownLatch unstuck = new CountDownLatch(1);
            DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                if (stuckNow.get()) {
                    try {
                        unstuck.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                }
                consumed.addAndGet(msgs.size());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                String where = "{consumer_group=\"" + group + "\",topic=\"" + topic + "\"}";
                String lag = "sum(rocketmq_consumer_lag_messages" + where + ")";
                Wait.until(Duration.ofSeconds(30), "the consumer to catch up", () -> consumed.get() >= sent && prometheus.value(lag) == 0);
                System.out.printf("3. The consumer took all %d: %s = %.0f%n", consumed.get(), lag, prometheus.value(lag));
                stuckNow.set(true);
                send(producer, topic, stuck);
                Wait.until(Duration.ofSeconds(30), "the lag to show", () -> prometheus.value(lag) == stuck);
                double lagWhileStuck = prometheus.value(lag);
                double inflight = prometheus.value("sum(rocketmq_consumer_inflight_messages" + where + ")");
                double ready = prometheus.value("sum(rocketmq_consumer_ready_messages" + where + ")");
                System.out.printf("4. Stuck, %d more sent: lag %.0f = in flight %.0f (fetched, not done) + ready %.0f (not fetched)%n",
                    stuck, lagWhileStuck, inflight, ready);

                // 5. Unstuck: it catches up, the lag goes back to 0.
                unstuck.countDown();
                Wait.until(Duration.ofSeconds(30), "the lag to go", () -> prometheus.value(lag) == 0);
                double lagAfter = prometheus.value(lag);
                System.out.printf("5. Unstuck: it consumed %d in all; lag %.0f%n", consumed.get(), lagAfter);

                // 6. Send latency from the broker's request histogram, and every name it serves.
                double p99 = prometheus.value("histogram_quantile(0.99, sum by (le) (rate("
                    + "rocketmq_rpc_latency_milliseconds_bucket{request_code=\"send_message_v2\"}[1m])))");
                List<String> names = prometheus.metricNames("rocketmq_");
                System.out.printf("6. p99 of the broker's send handling over the last minute: %.1f ms; it serves %d metrics: %s%n",
                    p99, names.size(), names);
                return new Result(in, lagWhileStuck, inflight, ready, lagAfter, p99, names);
            } finally {
                unstuck.countDown();
                consumer.shutdown();
            }
        } finally {
            producer.shutdown();
        }
    }

    private static void send(DefaultMQProducer producer, String topic, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new Message(topic, ("metrics " + i).getBytes(StandardCharsets.UTF_8)));
        }
    }
}
