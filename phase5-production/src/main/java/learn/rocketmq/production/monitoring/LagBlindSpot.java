package learn.rocketmq.production.monitoring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.ConsumerQueues;
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
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The lag metric's blind spot: a new consumer group stuck on its very first message shows no lag
 * in Prometheus, nor in consumer progress, however much waits for it; committing the group's
 * starting offsets makes both see it.
 * Roadmap: 5.4 Monitoring & Operations: Metrics collection.
 *
 * <p>The broker computes {@code rocketmq_consumer_lag_messages} per queue as its newest offset
 * minus the group's committed offset, and where the group has committed none it uses the newest
 * offset itself: lag 0. A classic consumer commits a queue's offset only after it has consumed
 * from it, or once it has read a starting offset from the broker, which the broker gives only for
 * a queue that held messages when the consumer took it. So a group whose consumer took empty
 * queues and then hung on its first message is invisible to a lag alert, and to
 * {@code mqadmin consumerProgress} (which lists the queues where the group has offsets). The
 * consumer's own report ({@code mqadmin consumerStatus}: the messages it holds) shows it. A fix:
 * commit a new group's starting offsets when the group is created (here the admin API's
 * {@code updateConsumeOffset}; {@code mqadmin resetOffsetByTime} for a running group).
 * Run it: {@code ./lesson LagBlindSpot} (a NameServer, a broker and Prometheus).
 */
public class LagBlindSpot {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology());
             Prometheus prometheus = Prometheus.scraping(List.of(cluster.master("broker-a").metricsAddress()))) {
            Result r = run(cluster, prometheus, "LessonLagBlindSpot", "lesson-lag-blind-spot", 40);
            System.out.printf("Done: %d messages waiting; Prometheus lag %.0f, consumer progress %d; after the offsets were"
                + " committed: %.0f and %d.%n", r.waiting(), r.metricLagBefore(), r.progressBefore(), r.metricLagAfter(),
                r.progressAfter());
        }
    }

    /** A NameServer and one broker that exports its metrics for Prometheus. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").metrics();
    }

    /** What the consumer held, and what the metric and consumer progress counted before and after the offsets were committed. */
    public record Result(int waiting, long heldByConsumer, double metricLagBefore, long progressBefore, double metricLagAfter,
                         long progressAfter) {
    }

    public static Result run(RocketMQCluster cluster, Prometheus prometheus, String topic, String group, int waiting)
        throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);

            // 1. A new group's consumer takes the topic's (empty) queues, and hangs on its first message.
            CountDownLatch never = new CountDownLatch(1);
            DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                try {
                    never.await(); // a downstream call that never returns
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            });
            consumer.start();
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
            producer.start();
            try {
                Wait.until(Duration.ofSeconds(30), "the consumer to take the queues", () -> ConsumerQueues.owned(consumer, topic).size() == 4);
                System.out.printf("1. %s's consumer holds all 4 queues of %s, and hangs on its first message%n", group, topic);

                // 2. Messages wait for it: the consumer holds them; neither the metric nor consumer
                // progress counts them.
                for (int i = 0; i < waiting; i++) {
                    producer.send(new Message(topic, ("waiting " + i).getBytes(StandardCharsets.UTF_8)));
                }
                Wait.until(Duration.ofSeconds(30), "the consumer to hold them", () -> heldByConsumer(admin, group) == waiting);
                String lag = "sum(rocketmq_consumer_lag_messages{consumer_group=\"" + group + "\"})";
                double before = freshValue(prometheus, lag);
                long progressBefore = admin.api().examineConsumeStats(group).computeTotalDiff();
                System.out.printf("2. %d sent; the consumer holds %d (mqadmin consumerStatus); consumer progress (mqadmin"
                    + " consumerProgress) counts %d behind; Prometheus: %s = %.0f%n", waiting, heldByConsumer(admin, group),
                    progressBefore, lag, before);

                // 3. Commit the group's starting offsets (0 on every queue): now the broker counts the backlog.
                for (MessageQueue mq : ConsumerQueues.owned(consumer, topic)) {
                    admin.api().updateConsumeOffset(cluster.master("broker-a").address(), group, mq, 0);
                }
                Wait.until(Duration.ofSeconds(30), "the metric to count them", () -> prometheus.value(lag) == waiting);
                double after = prometheus.value(lag);
                long progressAfter = admin.api().examineConsumeStats(group).computeTotalDiff();
                System.out.printf("3. Offsets committed at 0: %s = %.0f; consumer progress counts %d%n", lag, after, progressAfter);
                return new Result(waiting, heldByConsumer(admin, group), before, progressBefore, after, progressAfter);
            } finally {
                never.countDown();
                producer.shutdown();
                consumer.shutdown();
            }
        }
    }

    /** The messages the group's consumers hold, fetched and not yet consumed: what they report to the broker when asked. */
    private static long heldByConsumer(RocketMQAdmin admin, String group) throws Exception {
        long held = 0;
        for (org.apache.rocketmq.remoting.protocol.body.Connection c : admin.api().examineConsumerConnectionInfo(group).getConnectionSet()) {
            held += admin.api().getConsumerRunningInfo(group, c.getClientId(), false).getMqTable().values().stream()
                .mapToLong(q -> q.getCachedMsgCount()).sum();
        }
        return held;
    }

    /**
     * The value of a query once a scrape that began after this call has succeeded (so it reflects
     * what happened before it; a scrape that timed out on a busy machine brings nothing new).
     */
    private static double freshValue(Prometheus prometheus, String promql) throws Exception {
        double since = System.currentTimeMillis() / 1000.0;
        Wait.until(Duration.ofSeconds(30), "a new scrape", () -> prometheus.value("max(timestamp(up == 1))") > since + 1);
        return prometheus.value(promql);
    }
}
