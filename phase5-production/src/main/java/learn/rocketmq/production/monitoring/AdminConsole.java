package learn.rocketmq.production.monitoring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.MqAdmin;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
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
 * {@code mqadmin}, the operator's console: the cluster, a topic's queues, a group's progress and
 * a message found by its key and by its id, asked of a running RocketMQ with the very commands
 * an operator types.
 * Roadmap: 5.4 Monitoring & Operations: RocketMQ Console monitoring.
 *
 * <p>{@code mqadmin} ships with every RocketMQ ({@code bin/mqadmin}; here {@code ./rocketmq mqadmin},
 * which this lesson runs for each command). The RocketMQ Dashboard, the
 * web console, shows the same through the same admin API; it is not published as a jar, only as a
 * Docker image, so it runs only in the compose stack ({@code docker compose up}: port 8082), not
 * in the tests here. Run it: {@code ./lesson AdminConsole}.
 */
public class AdminConsole {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Map<String, String> outputs = run(rocketmq, "LessonAdminConsole", "lesson-admin-console", 30, 20);
        System.out.printf("Done: %d mqadmin commands run.%n", outputs.size());
    }

    /** Each command line, and what mqadmin printed for it. */
    public static Map<String, String> run(RocketMQ rocketmq, String topic, String group, int sent, int consumed) throws Exception {
        String ns = rocketmq.nameServer();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
        }
        // Some traffic to look at: messages with keys, a group that has consumed part of them.
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.start();
        SendResult last;
        try {
            last = null;
            for (int i = 0; i < consumed; i++) {
                last = producer.send(new Message(topic, "TagA", "order-" + i, ("order " + i).getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            producer.shutdown();
        }
        AtomicInteger done = new AtomicInteger();
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            done.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        Map<String, String> outputs = new LinkedHashMap<>();
        try {
            Wait.until(Duration.ofSeconds(30), "the consumer", () -> done.get() >= consumed);
            mqadmin(outputs, "consumerConnection -n " + ns + " -g " + group); // who consumes, from where, how
        } finally {
            consumer.shutdown(); // commits its offsets as it stops
        }
        // More messages for the group, which is offline now: its backlog.
        DefaultMQProducer more = Clients.configure(new DefaultMQProducer(group + "-producer-2"), rocketmq);
        more.start();
        try {
            for (int i = consumed; i < sent; i++) {
                more.send(new Message(topic, "TagA", "order-" + i, ("order " + i).getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            more.shutdown();
        }
        mqadmin(outputs, "clusterList -n " + ns);                                // brokers, their roles, TPS
        mqadmin(outputs, "topicStatus -n " + ns + " -t " + topic);               // each queue's min and max offset
        mqadmin(outputs, "consumerProgress -n " + ns + " -g " + group);          // per queue: broker and consumer offset, diff
        mqadmin(outputs, "queryMsgByKey -n " + ns + " -t " + topic + " -k order-3"); // a message by its key
        mqadmin(outputs, "queryMsgById -n " + ns + " -t " + topic + " -i " + last.getOffsetMsgId()); // ... or by its id
        return outputs;
    }

    /** Runs one command line as an operator types it after {@code mqadmin}, prints and keeps its output. */
    private static void mqadmin(Map<String, String> outputs, String command) {
        String output = MqAdmin.run(command.split(" ")); // as ./rocketmq mqadmin runs it: a JVM of its own
        outputs.put(command, output);
        System.out.printf("$ mqadmin %s%n%s%n%n", command, output.strip());
    }
}
