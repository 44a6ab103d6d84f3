package learn.rocketmq.production.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.AlertWebhook;
import learn.rocketmq.stack.Alertmanager;
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
 * Alerting: the project's alert rules ({@code config/prometheus/rocketmq-alerts.yml}: consumer
 * a broker down, lag, send failures, TPS drop, disk use) unit-tested offline with {@code promtool}, then the lag
 * alert for real: a consumer gets stuck, Prometheus fires, a real Alertmanager calls this
 * lesson's webhook; the consumer recovers, and the webhook hears "resolved".
 * Roadmap: 5.4 Monitoring & Operations: Alerting setup.
 *
 * <p>Prometheus evaluates the rules; an alert is {@code pending} while its condition holds for
 * less than its {@code for:} (no page for a blip), then {@code firing}, and is sent to
 * Alertmanager, which groups, silences and routes it to people (here: a webhook, as for
 * PagerDuty, Slack or a chat bot) and tells them again when it is resolved. The file's
 * {@code for:} are minutes, as in production; this lesson shortens them to seconds. Run it:
 * {@code ./lesson Alerting} (a NameServer, a broker, Prometheus and Alertmanager:
 * {@code apt-get install prometheus prometheus-alertmanager}).
 */
public class Alerting {

    public static void main(String[] args) throws Exception {
        try (AlertWebhook webhook = AlertWebhook.start();
             RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology());
             Alertmanager alertmanager = Alertmanager.notifying(webhook.url());
             Prometheus prometheus = Prometheus.start(List.of(cluster.master("broker-a").metricsAddress()),
                 rulesForLesson(), alertmanager.address())) {
            System.out.println("promtool test rules: " + testRulesOffline());
            Result r = run(cluster, prometheus, webhook, "LessonAlerting", "lesson-alerting", 1200);
            System.out.printf("Done: the lag alert reached the webhook %d ms after the consumer got stuck, \"resolved\" %d ms"
                + " after it recovered.%n", r.firingAfterMillis(), r.resolvedAfterMillis());
        }
    }

    /** A NameServer and one broker that exports its metrics for Prometheus. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a").metrics();
    }

    /** {@code promtool test rules}: every rule of the file against the made-up series of its test file. */
    public static String testRulesOffline() throws Exception {
        Path dir = Prometheus.alertRules().getParent();
        Process promtool = new ProcessBuilder(Prometheus.promtool().toString(), "test", "rules", "rocketmq-alerts.test.yml")
            .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!promtool.waitFor(30, TimeUnit.SECONDS) || promtool.exitValue() != 0) {
            throw new IllegalStateException("the alert rules fail their tests:\n" + output);
        }
        return output.replaceAll("\\s+", " ");
    }

    /** The project's rules with every {@code for:} shortened to 5 s, so the lesson waits seconds, not minutes. */
    public static Path rulesForLesson() throws IOException {
        Path rules = Files.createTempFile("rocketmq-alerts-", ".yml");
        Files.writeString(rules, Files.readString(Prometheus.alertRules()).replaceAll("for: \\d+m", "for: 5s"));
        rules.toFile().deleteOnExit();
        return rules;
    }

    /** When each notification reached the webhook, after the consumer got stuck and after it recovered. */
    public record Result(long firingAfterMillis, long resolvedAfterMillis, List<String> notifications) {
    }

    public static Result run(RocketMQCluster cluster, Prometheus prometheus, AlertWebhook webhook, String topic, String group,
                             int stuckMessages) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        Wait.until(Duration.ofSeconds(30), "Prometheus's first scrape", prometheus::targetsUp);
        AtomicBoolean stuck = new AtomicBoolean();
        CountDownLatch recovered = new CountDownLatch(1);
        AtomicInteger consumed = new AtomicInteger();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            try {
                if (stuck.get()) {
                    recovered.await(); // a hung downstream call
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            consumed.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.start();
        try {
            // 1. A working consumer: it keeps up, and the offsets it commits say so (lag 0). One by
            // one, so every queue gets messages: on a queue where the group has committed no offset
            // yet, the broker counts no lag at all (lesson LagBlindSpot).
            for (int i = 0; i < 100; i++) {
                producer.send(new Message(topic, ("working " + i).getBytes(StandardCharsets.UTF_8)));
            }
            String lag = "sum(rocketmq_consumer_lag_messages{consumer_group=\"" + group + "\"})";
            Wait.until(Duration.ofSeconds(30), "the consumer to keep up", () -> consumed.get() >= 100 && prometheus.value(lag) == 0);
            System.out.printf("1. The consumer of %s took %d messages: lag %.0f%n", group, consumed.get(), prometheus.value(lag));

            // 2. It gets stuck; messages pile up beyond the rule's 1000.
            stuck.set(true);
            long stuckAt = System.nanoTime();
            send(producer, topic, stuckMessages);
            System.out.printf("2. The consumer is stuck; %d more messages sent%n", stuckMessages);
            String alert = "RocketMQConsumerLag";
            Wait.until(Duration.ofSeconds(60), "the alert to be pending", () -> prometheus.alerts().containsKey(alert));
            long pending = (System.nanoTime() - stuckAt) / 1_000_000;
            Wait.until(Duration.ofSeconds(60), "the alert to fire", () -> "firing".equals(prometheus.alerts().get(alert)));
            long firingInPrometheus = (System.nanoTime() - stuckAt) / 1_000_000;
            System.out.printf("3. Prometheus: %s pending after %d ms, firing after %d ms (its for: 5 s)%n", alert, pending,
                firingInPrometheus);
            Wait.until(Duration.ofSeconds(60), "the firing notification", () -> webhook.first("firing", alert) != null);
            long firing = (System.nanoTime() - stuckAt) / 1_000_000;
            System.out.printf("4. The webhook got: %s (%d ms after the consumer got stuck)%n", webhook.last(), firing);

            // 5. The consumer recovers and catches up: the alert resolves.
            recovered.countDown();
            long recoveredAt = System.nanoTime();
            Wait.until(Duration.ofSeconds(60), "the resolved notification", () -> webhook.first("resolved", alert) != null);
            long resolved = (System.nanoTime() - recoveredAt) / 1_000_000;
            // A resolved notification carries the alert's last annotations: the lag when it last held.
            System.out.printf("5. Recovered; the webhook got: %s (%d ms later)%n", webhook.last(), resolved);
            return new Result(firing, resolved, webhook.notifications().stream().map(Object::toString).toList());
        } finally {
            recovered.countDown();
            producer.shutdown();
            consumer.shutdown();
        }
    }

    private static void send(DefaultMQProducer producer, String topic, int count) throws Exception {
        List<Message> batch = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(new Message(topic, ("alerting " + i).getBytes(StandardCharsets.UTF_8)));
            if (batch.size() == 100 || i == count - 1) {
                producer.send(batch); // in batches: a thousand one by one take seconds
                batch.clear();
            }
        }
    }
}
