package learn.rocketmq.production.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Multi-master: two masters, no slaves; one killed while a producer sends.
 * Roadmap: 5.2 Cluster Setup: Multi-master deployment.
 *
 * <p>A topic has queues on both masters; a producer spreads its sends over all of them. When one
 * master dies, a send to it fails and the producer retries on the other
 * ({@code retryTimesWhenSendFailed}, and {@code sendLatencyFaultEnable} keeps it away from the dead
 * one for a while), so writes go on. But what the dead master had stored is on its disk only: no
 * consumer gets it until that master is back (the store survives a kill). Multi-master buys write
 * availability, not read availability: for that, each master needs a slave. Run it:
 * {@code ./lesson MultiMaster} (a NameServer and two brokers, each a process of its own).
 */
public class MultiMaster {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args,
            RocketMQCluster.topology().brokerGroup("broker-a").brokerGroup("broker-b"))) {
            Result r = run(cluster, "LessonMultiMaster", "lesson-multi-master", 20);
            System.out.printf("Done: %d acknowledged, %d sends failed; consumed while broker-b was down: %d, after it came"
                + " back: %d.%n", r.acknowledged().size(), r.failedSends(), r.consumedWhileDown(), r.consumedAfterRestart());
        }
    }

    /** Acknowledged message keys by broker, failed sends, and how many the consumer had while broker-b was down and after. */
    public record Result(Map<String, String> acknowledged, int failedSends, Map<String, Integer> sentAfterKillByBroker,
                         int consumedWhileDown, int consumedAfterRestart, Set<String> consumed) {
    }

    public static Result run(RocketMQCluster cluster, String topic, String group, int perStep) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer brokerB = cluster.master("broker-b");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4); // 4 queues on each master
        }
        DefaultMQProducer producer = new DefaultMQProducer(UniqueNames.of("multi-master-producer"));
        Clients.configure(producer, rocketmq);
        producer.setSendLatencyFaultEnable(true); // avoid a broker that just failed
        producer.setRetryTimesWhenSendFailed(2);
        producer.start();
        Map<String, String> acknowledged = new TreeMap<>(); // key -> broker
        Map<String, Integer> afterKill = new TreeMap<>();
        int failed = 0;
        try {
            // 1. Sends spread over both masters.
            for (int i = 0; i < perStep; i++) {
                SendResult r = producer.send(message(topic, "before-" + i));
                acknowledged.put("before-" + i, r.getMessageQueue().getBrokerName());
            }
            System.out.printf("1. %d sends: %s%n", perStep, countByBroker(acknowledged));

            // 2. broker-b crashes; the producer goes on.
            brokerB.kill();
            System.out.println("2. Killed broker-b (SIGKILL)");
            for (int i = 0; i < perStep; i++) {
                try {
                    SendResult r = producer.send(message(topic, "after-" + i));
                    acknowledged.put("after-" + i, r.getMessageQueue().getBrokerName());
                    afterKill.merge(r.getMessageQueue().getBrokerName(), 1, Integer::sum);
                } catch (Exception e) {
                    failed++;
                    System.out.println("   send failed: " + e.getMessage());
                }
            }
            System.out.printf("3. %d more sends: %s, %d failed%n", perStep, afterKill, failed);
        } finally {
            producer.shutdown();
        }

        // 4. A consumer starts now: it gets broker-a's messages; broker-b's wait on broker-b's disk.
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> consumed.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            long onA = acknowledged.values().stream().filter("broker-a"::equals).count();
            Wait.until(Duration.ofSeconds(30), "broker-a's messages", () -> consumed.size() >= onA);
            int whileDown = consumed.size();
            System.out.printf("4. While broker-b is down the consumer got %d of %d acknowledged messages%n", whileDown,
                acknowledged.size());

            // 5. broker-b back on its store: its messages are delivered too.
            brokerB.restart();
            Wait.until(Duration.ofSeconds(60), "every acknowledged message", () -> consumed.containsAll(acknowledged.keySet()));
            System.out.printf("5. broker-b restarted on its store: the consumer has %d of %d%n", consumed.size(), acknowledged.size());
            return new Result(acknowledged, failed, afterKill, whileDown, consumed.size(), Set.copyOf(consumed));
        } finally {
            consumer.shutdown();
        }
    }

    private static Map<String, Long> countByBroker(Map<String, String> acknowledged) {
        Map<String, Long> counts = new TreeMap<>();
        acknowledged.values().forEach(b -> counts.merge(b, 1L, Long::sum));
        return counts;
    }

    private static Message message(String topic, String key) {
        return new Message(topic, null, key, key.getBytes(StandardCharsets.UTF_8));
    }
}
